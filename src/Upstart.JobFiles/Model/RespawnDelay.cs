namespace Upstart.JobFiles.Model;

/// <summary>
/// Beyond Upstart: `respawn delay INITIAL [MAX]`, the back-off between respawns (docs/engine.md). The first
/// respawn after a young death waits <see cref="Initial"/>; each further young death doubles the wait up
/// to <see cref="Maximum"/>; a main process that stayed up at least <see cref="StayedUp"/> resets it.
/// Zero is Upstart's behaviour (respawn at once), so `respawn delay 0` in an .override turns a host-wide
/// default off for one job.
/// </summary>
public readonly record struct RespawnDelay(TimeSpan Initial, TimeSpan Maximum)
{
    /// <summary>The largest value either argument may take: one day (well inside a timer's range).</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromDays(1);

    /// <summary>Upstart 1.13: no wait at all.</summary>
    public static RespawnDelay None => new(TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>`respawn delay INITIAL` alone: the same wait every time.</summary>
    public static RespawnDelay Fixed(TimeSpan initial) => new(initial, initial);

    public bool IsNone => Initial <= TimeSpan.Zero && Maximum <= TimeSpan.Zero;

    /// <summary>
    /// How long a main process must have run to count as "stayed up" and reset the back-off: MAX, the
    /// longest wait, but at least one second so a zero or tiny delay still tells a crash loop from a run.
    /// </summary>
    public TimeSpan StayedUp => Maximum > TimeSpan.FromSeconds(1) ? Maximum : TimeSpan.FromSeconds(1);

    /// <summary>The wait that follows <paramref name="previous"/> (zero when there was none): INITIAL, then doubled, capped at MAX.</summary>
    public TimeSpan After(TimeSpan previous)
    {
        if (previous <= TimeSpan.Zero)
        {
            return Initial;
        }

        var doubled = previous * 2;
        return doubled > Maximum ? Maximum : doubled;
    }

    /// <summary>
    /// `INITIAL [MAX]` as one string (host.json's `respawnDelay`): the stanza's arguments and rules, blanks
    /// between them. False for anything else.
    /// </summary>
    public static bool TryParse(string? text, out RespawnDelay delay)
    {
        delay = None;
        var parts = (text ?? "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2 || !Seconds.TryParse(parts[0], Limit, out var initial))
        {
            return false;
        }

        var maximum = initial;
        if (parts.Length == 2 && (!Seconds.TryParse(parts[1], Limit, out maximum) || maximum < initial))
        {
            return false;
        }

        delay = new RespawnDelay(initial, maximum);
        return true;
    }

    /// <summary>`INITIAL MAX` in seconds, as show-config and the job file write it.</summary>
    public override string ToString() =>
        $"{Seconds.Format(Initial)} {Seconds.Format(Maximum)}";
}
