using System.Runtime.InteropServices;

namespace UpstartHost.Processes.Native;

/// <summary>
/// libupstart-spawn.so (native/upstart-spawn.c), installed beside the exec helper: starts a process that
/// applies the helper's steps itself, so the job's command is its only exec, without making the caller
/// wait for that exec. The child shares the daemon's memory until it has exec'd, so what it reads (the
/// request, argv, envp) is kept in a <see cref="SpawnMemory"/> until the process layer knows it is done.
/// Loaded by path with <see cref="NativeLibrary"/>, so the JIT build (tests) and the NativeAOT build find the
/// same file, and a daemon without it falls back to the helper program.
/// </summary>
internal sealed unsafe class SpawnLibrary
{
    public const string FileName = "libupstart-spawn.so";

    private readonly delegate* unmanaged<byte**, byte**, int*, int, nint*, int> spawn;
    private readonly delegate* unmanaged<nint, void> release;
    private readonly delegate* unmanaged<nint, int> bornInCgroup;
    private readonly delegate* unmanaged<byte*, byte**, byte**, int*, int, nint*, int> spawnProgram;
    private int outstanding;

    private SpawnLibrary(string path, nint spawn, nint release, nint bornInCgroup, nint spawnProgram)
    {
        this.spawnProgram = (delegate* unmanaged<byte*, byte**, byte**, int*, int, nint*, int>)spawnProgram;
        Path = path;
        this.spawn = (delegate* unmanaged<byte**, byte**, int*, int, nint*, int>)spawn;
        this.release = (delegate* unmanaged<nint, void>)release;
        this.bornInCgroup = (delegate* unmanaged<nint, int>)bornInCgroup;
    }

    public string Path { get; }

    /// <summary>Children whose memory is still kept (started, not yet released).</summary>
    public int Outstanding => Volatile.Read(ref outstanding);

    /// <summary>The library in <paramref name="directory"/>, or null when it is not there or not loadable.</summary>
    public static SpawnLibrary? TryLoad(string directory)
    {
        // Its child makes system calls directly, written for these two; elsewhere the helper serves.
        var path = System.IO.Path.Combine(directory, FileName);
        if (RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64)
            || !File.Exists(path)
            || !NativeLibrary.TryLoad(path, out var handle)
            || !NativeLibrary.TryGetExport(handle, "upstart_spawn", out var spawn)
            || !NativeLibrary.TryGetExport(handle, "upstart_spawn_release", out var release))
        {
            return null;
        }

        // Never unloaded: children may run on its code until they exec. The last export is only a report, so a
        // library from before it still serves.
        _ = NativeLibrary.TryGetExport(handle, "upstart_spawn_born_in_cgroup", out var bornInCgroup);
        _ = NativeLibrary.TryGetExport(handle, "upstart_spawn_program", out var spawnProgram);
        return new SpawnLibrary(path, spawn, release, bornInCgroup, spawnProgram);
    }

    /// <summary>
    /// Starts the child with the helper's <paramref name="argv"/> (options, `--`, the job's argv) and
    /// <paramref name="envp"/> as the job's environment, each fd pair dup2'd in order. Returns the pid and
    /// the memory to keep until the child is done with it; or minus the errno and null when no child was
    /// started (ENOSYS: this architecture has no direct system calls in the library).
    /// </summary>
    public int Spawn(NativeStrings argv, NativeStrings envp, ReadOnlySpan<(int Source, int Target)> fds, out SpawnMemory? memory) =>
        Start(null, argv, envp, fds, out memory);

    /// <summary>
    /// Starts the helper program <paramref name="program"/> with its own <paramref name="argv"/> (options, `--`,
    /// the job's argv) born in the cgroup its `-c DIR` names, which the helper is then not given. Returns the pid
    /// and the memory to keep, or minus the errno and null when that cannot be done here (no clone3 with
    /// CLONE_INTO_CGROUP, no `-c`, a library without the export): the caller then posix_spawns the helper.
    /// </summary>
    public int SpawnProgram(byte* program, NativeStrings argv, NativeStrings envp, ReadOnlySpan<(int Source, int Target)> fds, out SpawnMemory? memory)
    {
        if (spawnProgram == null)
        {
            memory = null;
            return -Libc.ENOSYS;
        }

        return Start(program, argv, envp, fds, out memory);
    }

    /// <summary>upstart_spawn, or upstart_spawn_program when given the program; the memory kept for a child started.</summary>
    private int Start(byte* program, NativeStrings argv, NativeStrings envp, ReadOnlySpan<(int Source, int Target)> fds, out SpawnMemory? memory)
    {
        var pairs = stackalloc int[fds.Length * 2];
        for (var i = 0; i < fds.Length; i++)
        {
            pairs[2 * i] = fds[i].Source;
            pairs[2 * i + 1] = fds[i].Target;
        }

        nint handle;
        var pid = program == null
            ? spawn(argv.Pointers, envp.Pointers, pairs, fds.Length, &handle)
            : spawnProgram(program, argv.Pointers, envp.Pointers, pairs, fds.Length, &handle);
        memory = null;
        if (pid > 0)
        {
            Interlocked.Increment(ref outstanding);
            memory = new SpawnMemory(this, handle, argv, envp);
        }

        return pid;
    }

    /// <summary>Whether the child was started inside its cgroup (clone3 with CLONE_INTO_CGROUP) rather than moved there.</summary>
    internal bool BornInCgroup(nint handle) => bornInCgroup != null && bornInCgroup(handle) != 0;

    internal void Release(nint handle)
    {
        release(handle);
        Interlocked.Decrement(ref outstanding);
    }
}
