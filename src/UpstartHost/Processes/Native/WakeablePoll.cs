using System.Runtime.InteropServices;

namespace UpstartHost.Processes.Native;

/// <summary>
/// poll(2) over a changing set of descriptors plus an eventfd that another thread uses to wake the
/// poller (to add a descriptor or to stop). Owned by one background thread; <see cref="Wake"/> may be
/// called from any thread.
/// </summary>
internal sealed class WakeablePoll : IDisposable
{
    private readonly int wake;
    private PollFd[] polls = new PollFd[16];

    public WakeablePoll()
    {
        wake = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (wake < 0)
        {
            throw new IOException("eventfd: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
        }
    }

    public unsafe void Wake()
    {
        ulong one = 1;
        Libc.write(wake, &one, sizeof(ulong));
    }

    /// <summary>
    /// Blocks until one of <paramref name="items"/>' descriptors is readable or <see cref="Wake"/> is
    /// called. False when nothing is ready (interrupted): the caller simply loops.
    /// </summary>
    public unsafe bool Wait<T>(List<T> items, Func<T, int> descriptor)
    {
        if (polls.Length < items.Count + 1)
        {
            polls = new PollFd[(items.Count + 1) * 2];
        }

        polls[0] = new PollFd { Fd = wake, Events = Libc.POLLIN };
        for (var i = 0; i < items.Count; i++)
        {
            polls[i + 1] = new PollFd { Fd = descriptor(items[i]), Events = Libc.POLLIN };
        }

        int ready;
        fixed (PollFd* p = polls)
        {
            ready = Libc.poll(p, (nuint)(items.Count + 1), -1);
        }

        if (ready <= 0)
        {
            return false;
        }

        if (polls[0].Revents != 0)
        {
            ulong count;
            Libc.read(wake, &count, sizeof(ulong));
        }

        return true;
    }

    /// <summary>After <see cref="Wait{T}"/>: whether the item at <paramref name="index"/> had an event.</summary>
    public bool IsReady(int index) => polls[index + 1].Revents != 0;

    public void Dispose() => Libc.close(wake);
}
