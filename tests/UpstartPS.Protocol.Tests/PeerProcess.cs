using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Runs a tiny protocol client (python3, outside this process) as another user via setpriv, so the server sees
/// that user's real SO_PEERCRED. Needs root; creates the test user and group once, idempotently.
/// </summary>
internal static class PeerProcess
{
    public const string User = "upstartps-test";
    public const string AdminGroup = "upstartps-testadm";
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, socket, struct, sys
        def connect():
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.settimeout(10)
            c.connect(sys.argv[1])
            return c
        def recv_exact(n):
            data = b''
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk:
                    return None
                data += chunk
            return data
        def exchange(text):
            body = text.encode()
            try:
                s.sendall(struct.pack('>I', len(body)) + body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may have answered and closed first (a refused connection): read what it said
            try:
                header = recv_exact(4)
            except ConnectionResetError:
                header = None
            payload = header and recv_exact(struct.unpack('>I', header)[0])
            print(payload.decode() if payload is not None else 'null', flush=True)
            return payload is not None
        if sys.argv[2:3] == ['--connections']:
            # Hold N connections open at once and report, for each, whether the handshake was answered.
            # Only these: a connection made first and dropped would still count against the user until the server
            # saw it close, and refuse the second one.
            sockets = []
            for i in range(int(sys.argv[3])):
                s = connect()
                sockets.append(s)
                exchange('{"type":"hello","protocol":1,"client":"python"}')
        elif sys.argv[2:3] == ['--connect-only']:
            s = connect()
        else:
            s = connect()
            for text in ['{"type":"hello","protocol":1,"client":"python"}'] + sys.argv[2:]:
                if not exchange(text):
                    break
        """;

    private static readonly SemaphoreSlim AccountsLock = new(1, 1);
    private static (uint Uid, uint Gid, uint AdminGid)? _accounts;

    public static bool CanRun => ControlSocketPaths.CurrentUid() == 0 && File.Exists(Python) && File.Exists("/usr/bin/setpriv");

    /// <summary>Creates (once) the system user upstartps-test and the group upstartps-testadm; returns their ids.</summary>
    public static async Task<(uint Uid, uint Gid, uint AdminGid)> EnsureAccountsAsync()
    {
        await AccountsLock.WaitAsync();
        try
        {
            if (_accounts is { } known)
            {
                return known;
            }

            if (!File.ReadLines("/etc/group").Any(l => l.StartsWith(AdminGroup + ":", StringComparison.Ordinal)))
            {
                await RunAsync("groupadd", ["-r", AdminGroup], null);
            }

            if (!File.ReadLines("/etc/passwd").Any(l => l.StartsWith(User + ":", StringComparison.Ordinal)))
            {
                await RunAsync("useradd", ["-r", "-M", "-s", "/usr/sbin/nologin", User], null);
            }

            var passwd = File.ReadLines("/etc/passwd").First(l => l.StartsWith(User + ":", StringComparison.Ordinal)).Split(':');
            var group = File.ReadLines("/etc/group").First(l => l.StartsWith(AdminGroup + ":", StringComparison.Ordinal)).Split(':');
            _accounts = (Parse(passwd[2]), Parse(passwd[3]), Parse(group[2]));
            return _accounts.Value;
        }
        finally
        {
            AccountsLock.Release();
        }
    }

    /// <summary>Connects as <paramref name="uid"/>/<paramref name="gid"/> with exactly <paramref name="groups"/>, sends the requests, returns every answer.</summary>
    public static async Task<IReadOnlyList<JsonElement?>> ExchangeAsync(string socketPath, uint uid, uint gid, uint[] groups, params string[] requests)
    {
        string[] identity =
        [
            $"--reuid={uid}", $"--regid={gid}",
            groups.Length == 0 ? "--clear-groups" : "--groups=" + string.Join(',', groups),
            "--", Python, "-c", Script, socketPath,
        ];
        var output = await RunAsync("/usr/bin/setpriv", [.. identity, .. requests], null);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line == "null" ? (JsonElement?)null : JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }

    private static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string? input)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    private static uint Parse(string text) => uint.Parse(text, CultureInfo.InvariantCulture);
}
