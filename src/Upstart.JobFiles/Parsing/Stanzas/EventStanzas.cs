using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>start on, stop on and manual (init(5) "Event definition").</summary>
internal static class EventStanzas
{
    /// <summary>`start on EXPR`. A later `start on` replaces an earlier one; a failed one clears it.</summary>
    public static bool Start(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        if (!On(t, ref at, out var found))
        {
            return false;
        }

        var startOn = EventExpressionParser.Parse(t, ref found);
        Field.StartOn.Set(job, startOn);
        at = found;
        return startOn is not null;
    }

    /// <summary>`stop on EXPR`.</summary>
    public static bool Stop(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        if (!On(t, ref at, out var found))
        {
            return false;
        }

        var stopOn = EventExpressionParser.Parse(t, ref found);
        Field.StopOn.Set(job, stopOn);
        at = found;
        return stopOn is not null;
    }

    /// <summary>
    /// `manual` discards the `start on` seen so far and nothing else. It takes no argument and does not
    /// consume the rest of the line, so `manual foo` reads `foo` as the next stanza.
    /// </summary>
    public static bool Manual(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        Field.StartOn.Set(job, null);
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

    /// <summary>The JobClassConfig properties these handlers set.</summary>
    private static class Field
    {
        public static readonly JobField<EventExpression?> StartOn = new(nameof(JobClassConfig.StartOn));

        public static readonly JobField<EventExpression?> StopOn = new(nameof(JobClassConfig.StopOn));
    }
}
