using UpstartHost.Processes.Native;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// Plays systemd for the daemon's NOTIFY_SOCKET: a datagram socket this test owns, read on its own thread
/// (the daemon's sends block if nobody reads). Keeps what FDSTORE=1 sends, by FDNAME=, and closes what
/// FDSTOREREMOVE=1 names, as the service manager's file-descriptor store does; every other message is
/// only remembered.
/// </summary>
internal sealed class FakeFdStore : IDisposable
{
    private readonly UnixDatagram socket;
    private readonly Thread thread;
    private readonly Lock gate = new();
    private readonly List<(string Name, int Fd)> entries = [];
    private readonly List<string> messages = [];
    private volatile bool disposed;

    public FakeFdStore(string path)
    {
        Path = path;
        socket = UnixDatagram.Bind(path);
        thread = new Thread(Run) { IsBackground = true, Name = "fake fd store" };
        thread.Start();
    }

    public string Path { get; }

    /// <summary>What the store holds now, in the order it was sent.</summary>
    public IReadOnlyList<(string Name, int Fd)> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (gate)
            {
                return [.. messages];
            }
        }
    }

    public void Dispose()
    {
        disposed = true;
        thread.Join();
        socket.Dispose();
        foreach (var (_, fd) in entries)
        {
            Libc.close(fd);
        }
    }

    private void Run()
    {
        while (!disposed)
        {
            // Bounded so that Dispose is noticed; a datagram wakes it at once.
            if (socket.Receive(100) is not var (text, fds))
            {
                continue;
            }

            var fields = text.Split('\n').Select(l => l.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            var name = fields.GetValueOrDefault("FDNAME", "stored");
            lock (gate)
            {
                messages.Add(text);
                if (fields.GetValueOrDefault("FDSTORE") == "1")
                {
                    entries.AddRange(fds.Select(fd => (name, fd)));
                    continue;
                }

                if (fields.GetValueOrDefault("FDSTOREREMOVE") == "1")
                {
                    foreach (var (_, fd) in entries.Where(e => e.Name == name))
                    {
                        Libc.close(fd);
                    }

                    entries.RemoveAll(e => e.Name == name);
                }
            }

            foreach (var fd in fds)
            {
                Libc.close(fd);
            }
        }
    }
}
