using System.Runtime.InteropServices;
using System.Text;

namespace UpstartHost.Processes.Native;

/// <summary>A NULL-terminated char*[] of UTF-8 strings in one native block (argv and envp for posix_spawn).</summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private byte* block;

    private NativeStrings(byte* block) => this.block = block;

    public byte** Pointers => (byte**)block;

    /// <summary>Null when a string holds a NUL byte, which C could not see past (a hostile or corrupt value).</summary>
    public static NativeStrings? TryCreate(IReadOnlyList<string> strings)
    {
        var pointerBytes = (strings.Count + 1) * sizeof(byte*);
        var total = pointerBytes;
        foreach (var s in strings)
        {
            if (s.Contains('\0', StringComparison.Ordinal))
            {
                return null;
            }

            total += Encoding.UTF8.GetByteCount(s) + 1;
        }

        var block = (byte*)NativeMemory.Alloc((nuint)total);
        var pointers = (byte**)block;
        var next = block + pointerBytes;
        var end = block + total;
        for (var i = 0; i < strings.Count; i++)
        {
            pointers[i] = next;
            var written = Encoding.UTF8.GetBytes(strings[i], new Span<byte>(next, (int)(end - next)));
            next[written] = 0;
            next += written + 1;
        }

        pointers[strings.Count] = null;
        return new NativeStrings(block);
    }

    public void Dispose()
    {
        if (block != null)
        {
            NativeMemory.Free(block);
            block = null;
        }
    }
}
