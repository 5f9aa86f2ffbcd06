using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// Running a socket's completions on the runtime's socket thread, and leaving that thread before anything
/// that may take long.
/// <para>
/// By default the runtime's socket thread (one per process on this machine: it waits in epoll for every
/// socket) hands each completed read or write to a thread-pool worker, which runs the code after the
/// await. For a request answered at once that hand-over is most of the daemon's time (issue 11: two thread
/// switches per status). A socket that prefers inline completions runs that code on the socket thread
/// itself, so everything it runs there delays every other socket: code on such a socket must leave the
/// socket thread (<see cref="LeaveAsync"/>) before it does anything that may block or take long.
/// </para>
/// <para>
/// The per-socket switch is the runtime's internal <c>Socket.PreferInlineCompletions</c> (kept public to
/// reflection by the runtime itself, for servers that try it; .NET 10). The process-wide alternative,
/// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, would move every socket of the process, and reach the
/// jobs' environment.
/// </para>
/// </summary>
internal static class SocketThread
{
    /// <summary>Makes <paramref name="socket"/>'s completions run on the socket thread; false when this runtime cannot.</summary>
    public static bool TryPreferInline(Socket socket)
    {
        try
        {
            SetPreferInlineCompletions(socket, true);
            return true;
        }
        catch (MissingMethodException)
        {
            // A runtime without the switch: completions go through the pool, as for any socket.
            return false;
        }
    }

    /// <summary>True on a thread that must not be held: anything but a pool worker (the socket thread, the timer thread).</summary>
    public static bool MustLeave => !Thread.CurrentThread.IsThreadPoolThread;

    /// <summary>Continues on a pool worker when the caller is on a thread it must not hold; at once otherwise.</summary>
    public static PoolHop LeaveAsync() => new(MustLeave);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);

    /// <summary>An awaitable that queues the continuation to the thread pool, or does nothing when not needed.</summary>
    public readonly struct PoolHop(bool needed) : ICriticalNotifyCompletion
    {
        public bool IsCompleted => !needed;

        public PoolHop GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) =>
            ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

        public void UnsafeOnCompleted(Action continuation) =>
            ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
    }
}
