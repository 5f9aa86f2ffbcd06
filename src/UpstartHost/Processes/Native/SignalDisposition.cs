namespace UpstartHost.Processes.Native;

/// <summary>
/// A signal the daemon relies on may arrive ignored: SIG_IGN survives exec, so a daemon started by nohup,
/// by a shell's background job or by a supervisor that ignores SIGHUP inherits it, and the runtime then
/// leaves the signal ignored even when a handler is registered for it. Resetting SIG_IGN to SIG_DFL first
/// gives the registration (or the kernel's default) back; a handler already installed is left alone.
/// </summary>
public static unsafe class SignalDisposition
{
    /// <summary>SIG_IGN's value; sa_handler is the first member of struct sigaction on every Linux ABI.</summary>
    private const nint Ignore = 1;

    /// <summary>Whether <paramref name="signal"/> is ignored now.</summary>
    private static bool IsIgnored(int signal)
    {
        var current = stackalloc byte[Libc.OpaqueSize];
        new Span<byte>(current, Libc.OpaqueSize).Clear();
        return Libc.sigaction(signal, null, current) == 0 && *(nint*)current == Ignore;
    }

    /// <summary>Sets <paramref name="signal"/> back to SIG_DFL if it is ignored; true if it was.</summary>
    public static bool StopIgnoring(int signal)
    {
        if (!IsIgnored(signal))
        {
            return false;
        }

        var dfl = stackalloc byte[Libc.OpaqueSize];
        new Span<byte>(dfl, Libc.OpaqueSize).Clear();
        return Libc.sigaction(signal, dfl, null) == 0;
    }
}
