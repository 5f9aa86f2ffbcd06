using System.Runtime.Versioning;

// The daemon is Linux-only (inotify, unix sockets, peer credentials); so are its tests.
[assembly: SupportedOSPlatform("linux")]
