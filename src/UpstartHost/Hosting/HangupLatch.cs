namespace UpstartHost.Hosting;

/// <summary>
/// Decides who re-arms the job-directory watcher for a SIGHUP: the signal handler, or the daemon's start
/// once the watcher exists. A SIGHUP can arrive at any point of the start (the handler is installed before
/// the socket answers, the watcher only after); each one must lead to exactly one re-arm, since a second
/// would repeat the "Cannot watch" warning for one signal and a missing one would leave polling on.
/// </summary>
public sealed class HangupLatch
{
    private const int NotWatching = 0;
    private const int Pending = 1;
    private const int Watching = 2;

    private int state = NotWatching;

    /// <summary>
    /// On a SIGHUP. True: the watcher exists, re-arm it now. False: the start has not published it yet
    /// and will re-arm once it has (<see cref="StartWatching"/>); the caller only re-reads the directories.
    /// </summary>
    public bool OnHangup()
    {
        while (true)
        {
            var seen = Volatile.Read(ref state);
            if (seen == Watching)
            {
                return true;
            }

            if (Interlocked.CompareExchange(ref state, Pending, seen) == seen)
            {
                return false;
            }
        }
    }

    /// <summary>Right after the watcher is published. True: a SIGHUP came before it, re-arm it once now.</summary>
    public bool StartWatching() => Interlocked.Exchange(ref state, Watching) == Pending;
}
