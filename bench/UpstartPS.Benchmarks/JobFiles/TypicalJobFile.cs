using System.Globalization;

namespace UpstartPS.Benchmarks.JobFiles;

/// <summary>A typical service job: ~30 lines, a compound `start on`, a pre-start script block, the usual stanzas.</summary>
internal static class TypicalJobFile
{
    public static string Text(int index) => string.Create(CultureInfo.InvariantCulture, $$"""
        # web{{index}} - example web service
        #
        # A typical service definition, as found in /etc/init.

        description "Example web service {{index}}"
        author "Ops Team <ops@example.com>"

        start on (local-filesystems and net-device-up IFACE!=lo) or started db{{index}}
        stop on runlevel [!2345]

        env PORT={{8000 + index}}
        env LOGDIR=/var/log/web{{index}}
        export PORT

        respawn
        respawn limit 10 5
        normal exit 0 TERM
        kill timeout 30
        umask 027
        limit nofile 4096 8192
        console log
        setuid www-data

        pre-start script
            mkdir -p "$LOGDIR"
            chown www-data "$LOGDIR"
            if [ ! -x /usr/bin/webd ]; then
                echo "webd missing" >&2
                exit 1
            fi
        end script

        exec /usr/bin/webd --port "$PORT" --log "$LOGDIR/web.log"  # runs in the foreground
        """);
}
