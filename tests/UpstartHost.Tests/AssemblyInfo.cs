namespace UpstartHost.Tests;
