using System.Runtime.InteropServices;

namespace UpstartHost.Processes.Native;

/// <summary>
/// posix_spawn(3) of the exec helper: the given fds dup2'd onto their targets, every signal back to its
/// default disposition and an empty signal mask (the runtime blocks and handles signals the job must
/// not inherit). Only this runs between fork and exec, in libc: no managed code (STYLE.md, runit/s6).
/// </summary>
internal static unsafe class PosixSpawn
{
    /// <summary>
    /// posix_spawn of <paramref name="path"/> with no fd changes, optionally in a new session
    /// (POSIX_SPAWN_SETSID); for comparisons only (the helper-less baseline of the benchmark).
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, bool newSession)
    {
        using var nativeArgv = NativeStrings.TryCreate(argv) ?? throw new ArgumentException("NUL in argv", nameof(argv));
        using var nativeEnvp = NativeStrings.TryCreate(envp) ?? throw new ArgumentException("NUL in envp", nameof(envp));
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return Spawn(p, nativeArgv.Pointers, nativeEnvp.Pointers, [], newSession ? Libc.POSIX_SPAWN_SETSID : (short)0);
        }
    }

    /// <summary>Returns the pid, or minus the errno posix_spawn reported.</summary>
    public static int Spawn(byte* path, byte** argv, byte** envp, ReadOnlySpan<(int Source, int Target)> fds, short extraFlags = 0)
    {
        var actions = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var attr = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var empty = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        var all = NativeMemory.AllocZeroed(Libc.OpaqueSize);
        try
        {
            var init = Libc.posix_spawn_file_actions_init(actions);
            if (init != 0 || (init = Libc.posix_spawnattr_init(attr)) != 0)
            {
                return -init;
            }

            foreach (var (source, target) in fds)
            {
                var rc = Libc.posix_spawn_file_actions_adddup2(actions, source, target);
                if (rc != 0)
                {
                    return -rc;
                }
            }

            if (Libc.sigemptyset(empty) != 0
                || Libc.sigfillset(all) != 0
                || Libc.posix_spawnattr_setsigmask(attr, empty) != 0
                || Libc.posix_spawnattr_setsigdefault(attr, all) != 0
                || Libc.posix_spawnattr_setflags(attr, (short)(Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF | extraFlags)) != 0)
            {
                return -22; // EINVAL: libc refused the attributes
            }

            int pid;
            var result = Libc.posix_spawn(&pid, path, actions, attr, argv, envp);
            return result == 0 ? pid : -result;
        }
        finally
        {
            _ = Libc.posix_spawn_file_actions_destroy(actions);
            _ = Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(empty);
            NativeMemory.Free(all);
        }
    }
}
