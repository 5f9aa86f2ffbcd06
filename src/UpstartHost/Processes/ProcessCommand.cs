using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// How a job's `exec` or `script` becomes an argv (init(5), job_process_spawn): scripts run under
/// `/bin/sh -e`, a single line through `-c` and several lines read from the inherited fd
/// <see cref="ScriptFd"/> as /proc/self/fd/9, so the script never touches the disk; an `exec` with any
/// shell metacharacter runs as `sh -e -c "exec COMMAND"`; any other `exec` is split on whitespace and
/// exec'd directly.
/// </summary>
internal sealed record ProcessCommand(IReadOnlyList<string> Argv, string? ScriptText)
{
    public const string Shell = "/bin/sh";

    /// <summary>The fd a multi-line script is read from (Upstart's JOB_PROCESS_SCRIPT_FD).</summary>
    public const int ScriptFd = 9;

    /// <summary>Upstart's SHELL_CHARS.</summary>
    public const string ShellCharacters = "~`!$^&*()=|\\{}[];\"'<>?";

    private static readonly System.Buffers.SearchValues<char> ShellCharacterSet = System.Buffers.SearchValues.Create(ShellCharacters);

    private static readonly char[] Whitespace = [' ', '\t', '\r', '\n'];

    public static ProcessCommand For(ProcessDefinition process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var command = process.Command;
        if (process.IsScript)
        {
            var newline = command.IndexOf('\n', StringComparison.Ordinal);
            if (newline < 0 || newline == command.Length - 1)
            {
                return new ProcessCommand([Shell, "-e", "-c", command.TrimEnd('\n')], null);
            }

            return new ProcessCommand([Shell, "-e", "/proc/self/fd/" + ScriptFd], command);
        }

        if (command.AsSpan().IndexOfAny(ShellCharacterSet) >= 0)
        {
            return new ProcessCommand([Shell, "-e", "-c", "exec " + command], null);
        }

        return new ProcessCommand(command.Split(Whitespace, StringSplitOptions.RemoveEmptyEntries), null);
    }
}
