using System.Collections.Concurrent;
using UpstartHost.Processes;

namespace UpstartPS.TestSupport.Engine;

/// <summary>
/// The real <see cref="ProcessLayer"/>, passed through: it only remembers every pid spawned and every main
/// pid `expect` handed over (with its session), so the fixture can prove at the end that none of them,
/// nor anything in their sessions, is left.
/// </summary>
internal sealed class RecordingProcessLayer(ProcessLayer inner, ConcurrentDictionary<int, bool> started) : IProcessLayer
{
    public ProcessLayer Inner { get; } = inner;

    public SpawnResult Spawn(SpawnRequest request)
    {
        var result = Inner.Spawn(request);
        if (result.Succeeded)
        {
            started[result.Pid] = true;
        }

        return result;
    }

    public int SignalGroup(int pid, int signal) => Inner.SignalGroup(pid, signal);

    public int Signal(int pid, int signal) => Inner.Signal(pid, signal);
}

/// <summary>The engine's inbox, passed through; a ProcessReady's main pid and its session are remembered.</summary>
internal sealed class RecordingSink(ConcurrentDictionary<int, bool> started) : IProcessNoticeSink
{
    public IProcessNoticeSink? Engine { get; set; }

    public void Post(ProcessNotice notice)
    {
        if (notice is ProcessReady ready)
        {
            started[ready.MainPid] = true;
            if (ProcScan.Read(ready.MainPid) is { } entry)
            {
                started[entry.Session] = true;
            }
        }

        Engine?.Post(notice);
    }
}
