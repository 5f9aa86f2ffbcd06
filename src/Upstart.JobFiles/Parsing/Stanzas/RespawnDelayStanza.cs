using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// Beyond Upstart: `respawn delay INITIAL [MAX]` (<see cref="RespawnDelay"/>), reached from the `respawn`
/// handler once it has read `delay`. Both values are <see cref="Seconds"/> from 0 to 86400; MAX defaults
/// to INITIAL (a fixed wait) and may not be smaller. Errors point at the bad value, as `respawn limit`'s do.
/// Like `respawn limit`, it does not turn respawn on.
/// </summary>
internal static class RespawnDelayStanza
{
    /// <summary><paramref name="a"/> stands after `delay`.</summary>
    public static bool Parse(ConfigTokenizer t, JobParseState job, ref Cursor a, ref Cursor at)
    {
        at = a;
        if (!t.NextArgument(ref a, out var first))
        {
            at = a;
            return false;
        }

        if (!Seconds.TryParse(first, RespawnDelay.Limit, out var initial))
        {
            return t.Raise(ParseErrors.IllegalDelay);
        }

        var maximum = initial;
        if (t.HasToken(a))
        {
            at = a;
            if (!t.NextArgument(ref a, out var second))
            {
                at = a;
                return false;
            }

            if (!Seconds.TryParse(second, RespawnDelay.Limit, out maximum) || maximum < initial)
            {
                return t.Raise(ParseErrors.IllegalDelay);
            }
        }

        Field.RespawnDelay.Set(job, new RespawnDelay(initial, maximum));
        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>The JobClassConfig properties these handlers set.</summary>
    private static class Field
    {
        public static readonly JobField<RespawnDelay?> RespawnDelay = new(nameof(JobClassConfig.RespawnDelay));
    }
}
