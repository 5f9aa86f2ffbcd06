namespace UpstartCtl;

/// <summary>--help and --version texts.</summary>
public static class HelpText
{
    // A constant written at build time (UpstartCtl.csproj, WriteBuildVersion): asking the assembly for its
    // version reads its metadata, about ten page faults in a process that lives for one command.
    public const string ClientVersion = "upstartctl (upstartps " + BuildVersion.Value + ")";

    /// <summary>
    /// --version. Under its own name, its own; under initctl's names (installed as initctl, start, stop …) initctl's
    /// first line, `initctl (upstart 1.13.2)` as libnih writes it with the name it was run as, followed by what it
    /// really is: deployment tools read the Upstart version from it (Puppet's upstart provider takes
    /// `initctl \(upstart ([^)]*)\)` and fails without a match), as the `version` command's text starts with init's.
    /// </summary>
    public static string VersionFor(string program) =>
        program == "initctl" || CtlArguments.LinkCommands.Contains(program)
            ? $"{program} (upstart 1.13.2) upstartps {BuildVersion.Value}"
            : ClientVersion;

    public static string For(string program) =>
        $"""
        Usage: {program} [OPTION]... COMMAND [ARG]...

        Job commands:
          start JOB [KEY=VALUE]...     start a job, wait until it is running (a task: finished)
          stop JOB [KEY=VALUE]...      stop a job, wait until it has stopped
          restart JOB [KEY=VALUE]...   restart a running instance
          reload JOB [KEY=VALUE]...    send the job's reload signal to its main process
          status JOB [KEY=VALUE]...    print a job's status line (JOB may be a pattern: ssh*, tty?)
          list                         one status line per job instance
          usage JOB                    the job's usage stanza
          enable JOB / disable JOB     allow / forbid starting a job (remembered across reboots)
          disable --now JOB            disable it and stop it now (stop alone is Upstart's: not remembered)
          log JOB [KEY=VALUE]... [-f] [--lines N]  the job's (instance's) console log

        Event and daemon commands:
          emit EVENT [KEY=VALUE]...    emit an event and wait until it has been handled
          reload-configuration         re-read the job directories (--dry-run: only show changes)
          re-exec                      restart the daemon's program in place; every job keeps running
          check-config [-i EV,..] [JOB]  report conditions no event could satisfy
          show-config [-e] [JOB]       print what each job emits and waits for
          diagnostics                  problems in job files the daemon could not load
          log-priority [PRIORITY]      print or set the daemon's log priority
          notify-disk-writeable        write job output kept while logs could not be written
          list-sessions                PID and address of each session daemon of this user
          notify-dbus-address ADDR     accepted for Upstart's session jobs; this daemon uses no D-Bus
          notify-cgroup-manager-address ADDR  accepted likewise; this daemon manages cgroups itself
          version                      print the daemon's version

        Environment commands (inside a job: that job's environment; elsewhere, or with -g, the global table):
          list-env [-g]                show all job environment variables
          get-env [-g] VAR             retrieve the value of a job environment variable
          set-env [-g] [-r] VAR[=VALUE]...  set one or more job environment variables
          unset-env [-g] VAR...        remove one or more job environment variables
          reset-env [-g]               revert all job environment variable changes
          -g, --global                 act on the global table, even inside a job
          -r, --retain                 set-env: keep the value of a variable already set

        Options:
          -n, --no-wait     do not wait for the job or event to finish
          -q, --quiet       print errors only
          --system          talk to the system daemon
          --session, --user talk to this user's session daemon
          --socket PATH     talk to the daemon listening on PATH
                            (default: $UPSTARTPS_SOCKET, else $UPSTART_SESSION's daemon, else as
                            root the system daemon, else your session daemon if it runs, else the system one)
          -h, --help        this help; --version  this program's version

        Invoked as start, stop, restart, reload or status, acts as that command.
        """;
}
