namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>start on, stop on and manual (init(5) "Event definition").</summary>
internal static class EventStanzas
{
    /// <summary>`start on EXPR`. A later `start on` replaces an earlier one; a failed one clears it.</summary>
    public static bool Start(ConfigTokenizer t, JobClassBuilder job, ref Cursor at)
    {
        if (!On(t, ref at, out var found))
        {
            return false;
        }

        job.StartOn = EventExpressionParser.Parse(t, ref found);
        at = found;
        return job.StartOn is not null;
    }

    /// <summary>`stop on EXPR`.</summary>
    public static bool Stop(ConfigTokenizer t, JobClassBuilder job, ref Cursor at)
    {
        if (!On(t, ref at, out var found))
        {
            return false;
        }

        job.StopOn = EventExpressionParser.Parse(t, ref found);
        at = found;
        return job.StopOn is not null;
    }

    /// <summary>
    /// `manual` discards the `start on` seen so far and nothing else. It takes no argument and does not
    /// consume the rest of the line, so `manual foo` reads `foo` as the next stanza.
    /// </summary>
    public static bool Manual(ConfigTokenizer t, JobClassBuilder job, ref Cursor at)
    {
        job.StartOn = null;
        return true;
    }

    /// <summary>Reads the `on` keyword; anything else is an unknown stanza reported at the keyword.</summary>
    private static bool On(ConfigTokenizer t, ref Cursor at, out Cursor after)
    {
        after = at;
        if (!t.NextToken(ref after, Delimiters.Blank, dequote: false))
        {
            at = after;
            return false;
        }

        return t.Token.SequenceEqual("on") || t.Raise(ParseErrors.UnknownStanza);
    }
}
