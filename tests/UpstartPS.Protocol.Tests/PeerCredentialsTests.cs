using System.Net.Sockets;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// The groups a connection is judged by are the ones its peer had when it connected (SO_PEERGROUPS), like its
/// uid: a client can connect, hand the socket on and exit, and its pid may by then be another process's.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PeerCredentialsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("ups-peer-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_groups_are_those_the_peer_connected_with_even_once_it_has_exited()
    {
        if (!PeerProcess.CanRun)
        {
            return; // needs root, python3 and setpriv, as the other real-peer tests (NonRootPeerTests)
        }

        var (uid, gid, adminGid) = await PeerProcess.EnsureAccountsAsync();

        var client = await ConnectedExitedPeer(uid, gid, [adminGid, 4242]);

        Assert.Equal((uid, gid), (client.Uid, client.Gid));
        Assert.False(Directory.Exists($"/proc/{client.Pid}") && File.ReadAllText($"/proc/{client.Pid}/status").Contains($"Uid:\t{uid}", StringComparison.Ordinal));
        Assert.Equal([adminGid, 4242u], client.SupplementaryGroups.Order());
        Assert.True(client.IsInGroup(adminGid));
    }

    [Fact]
    public async Task More_groups_than_the_first_buffer_holds_are_all_read()
    {
        if (!PeerProcess.CanRun)
        {
            return;
        }

        var (uid, gid, _) = await PeerProcess.EnsureAccountsAsync();
        var groups = Enumerable.Range(50_000, 100).Select(g => (uint)g).ToArray();

        var client = await ConnectedExitedPeer(uid, gid, groups);

        Assert.Equal(groups, client.SupplementaryGroups.Order());
    }

    /// <summary>The identity of a client that connected as uid/gid with exactly these groups and exited before the accept.</summary>
    private async Task<ClientIdentity> ConnectedExitedPeer(uint uid, uint gid, uint[] groups)
    {
        var path = Path.Combine(directory, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_000_001);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);

        // Returns once the client has connected and exited: its /proc entry is gone before the accept.
        await PeerProcess.ExchangeAsync(path, uid, gid, groups, "--connect-only");
        using var accepted = await listener.AcceptAsync();
        return PeerCredentials.Read(accepted);
    }
}
