namespace Upstart.JobFiles.Model;

/// <summary>`expect` stanza: how the main process signals readiness and which PID to follow.</summary>
public enum ExpectMode
{
    None,
    Stop,
    Daemon,
    Fork,
}

/// <summary>`console` stanza.</summary>
public enum ConsoleMode
{
    Log,
    None,
    Output,
    Owner,
}

/// <summary>Resources of the `limit` stanza (setrlimit(2) names).</summary>
public enum ResourceKind
{
    As,
    Core,
    Cpu,
    Data,
    Fsize,
    Memlock,
    Msgqueue,
    Nice,
    Nofile,
    Nproc,
    Rss,
    Rtprio,
    Sigpending,
    Stack,
}
