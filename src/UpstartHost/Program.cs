using System.Runtime.Versioning;
using UpstartHost.Hosting;

[assembly: SupportedOSPlatform("linux")]

return await HostProgram.RunAsync(args).ConfigureAwait(false);
