using System.Buffers.Binary;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// What a reload compares to tell a changed job file from a touched one: the length and a 64-bit FNV-1a
/// hash of the bytes. Change detection, not a seal: whoever can write a job file can already change what
/// runs, so nothing is gained by a cryptographic hash, and SHA-256 on Linux means loading OpenSSL
/// (libcrypto and libssl, about 3.7 MiB of the daemon's resident memory) for this alone.
/// </summary>
internal static class ContentFingerprint
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    /// <summary>16 bytes: the length, then the FNV-1a hash, both little-endian.</summary>
    public static byte[] Of(ReadOnlySpan<byte> content)
    {
        var hash = OffsetBasis;
        foreach (var b in content)
        {
            hash = (hash ^ b) * Prime;
        }

        var print = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(print, content.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(print.AsSpan(8), hash);
        return print;
    }
}
