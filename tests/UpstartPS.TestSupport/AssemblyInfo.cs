using System.Runtime.Versioning;

// The daemon is Linux-only (inotify, unix sockets, peer credentials, /proc, cgroups); so are its fixtures.
[assembly: SupportedOSPlatform("linux")]
