using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>One line of a job's console log, tagged so lines from several jobs can share one stream.</summary>
public sealed class UpstartLogLine
{
    internal UpstartLogLine(LogLineInfo info)
    {
        Time = info.Time.LocalDateTime;
        Job = info.Job;
        Instance = info.Instance;
        Line = info.Line;
    }

    /// <summary>Local time; a DateTime (not DateTimeOffset) because remoting keeps DateTime as a typed value.</summary>
    public DateTime Time { get; }
    public string Job { get; }
    public string Instance { get; }
    public string Line { get; }

    public override string ToString() => Line;
}
