namespace UpstartPS.Tests;
