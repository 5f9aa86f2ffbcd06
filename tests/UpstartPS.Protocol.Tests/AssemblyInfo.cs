namespace UpstartPS.Protocol.Tests;
