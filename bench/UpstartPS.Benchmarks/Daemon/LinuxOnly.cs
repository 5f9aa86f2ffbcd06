using System.Runtime.Versioning;

// The daemon assembly is marked Linux-only (inotify, unix sockets, peer credentials, posix_spawn), so
// every benchmark that calls into it must be too.
[assembly: SupportedOSPlatform("linux")]
