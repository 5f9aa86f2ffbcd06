namespace UpstartHost.Processes.Native;

/// <summary>
/// What a child started by <see cref="SpawnLibrary"/> reads until it execs: its request and the argv and
/// envp it points into. Disposed once the child no longer runs on the daemon's memory, that is when its
/// error pipe reaches end of file (the kernel closes it at exec after switching the child to the new
/// program's memory, or at exit after releasing it) or when the child has been reaped; never before.
/// </summary>
internal sealed class SpawnMemory(SpawnLibrary library, nint handle, NativeStrings argv, NativeStrings envp) : IDisposable
{
    private nint handle = handle;

    /// <summary>Whether the child began its life in its cgroup (native/upstart-spawn.c); false once disposed.</summary>
    public bool BornInCgroup => handle != 0 && library.BornInCgroup(handle);

    public void Dispose()
    {
        if (handle == 0)
        {
            return;
        }

        library.Release(handle);
        handle = 0;
        argv.Dispose();
        envp.Dispose();
    }
}
