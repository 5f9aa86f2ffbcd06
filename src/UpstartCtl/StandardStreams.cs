using System.Runtime.InteropServices;
using System.Text;

namespace UpstartCtl;

/// <summary>
/// stdout and stderr as buffered UTF-8 writers over write(2) on file descriptors 1 and 2. System.Console is
/// left alone: on first write it sets up terminal and signal handling (a thread, a pipe, termios calls) that
/// a one-shot command never needs. Not FileStream either: on a regular file it writes with pwrite at its own
/// offset, which clobbers what a shell writes to the same file after us (`(upstartctl list; echo) > f`).
/// Like Console, a reader that has gone (EPIPE: `upstartctl list | head -1`) is not an error.
/// </summary>
internal static partial class StandardStreams
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static TextWriter Open(int fd) => new StreamWriter(new DescriptorStream(fd), Utf8, bufferSize: 4096);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ref byte buffer, nuint count);

    private sealed class DescriptorStream(int fd) : Stream
    {
        private const int EINTR = 4;
        private bool _broken;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty && !_broken)
            {
                var written = StandardStreams.Write(fd, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
                if (written >= 0)
                {
                    buffer = buffer[(int)written..];
                }
                else if (Marshal.GetLastPInvokeError() != EINTR)
                {
                    // EPIPE, EBADF (stdout closed), ENOSPC: what cannot be written is dropped, as Console does.
                    _broken = true;
                }
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
