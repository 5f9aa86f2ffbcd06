using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// How the job is supervised: expect, task, respawn, respawn limit, normal exit, kill timeout, kill
/// signal, reload signal. Numbers are read with C's strtol/strtoul and, as in Upstart, the value is
/// stored before it is checked.
/// </summary>
internal static class SupervisionStanzas
{
    private static readonly Accumulated<ImmutableArray<ExitStatus>.Builder> NormalExitList =
        AccumulatedList.Of<ExitStatus>(nameof(JobClassConfig.NormalExit));

    /// <summary>`expect stop|daemon|fork|none`.</summary>
    public static bool Expect(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            return false;
        }

        if (!ArgumentGrammar.Expect.TryParse(argument, out var mode))
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        Field.Expect.Set(job, mode);
        return Finish(t, ref a, ref at);
    }

    /// <summary>`task`, no arguments.</summary>
    public static bool Task(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        Field.Task.Set(job, true);
        return t.SkipComment(ref at);
    }

    /// <summary>
    /// `respawn`, or `respawn limit COUNT INTERVAL|unlimited` (which does not turn respawn on), or, beyond
    /// Upstart, `respawn delay INITIAL [MAX]` (which does not either).
    /// </summary>
    public static bool Respawn(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        if (!t.HasToken(at))
        {
            Field.Respawn.Set(job, true);
            return t.SkipComment(ref at);
        }

        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        if (t.Token.SequenceEqual("delay"))
        {
            return RespawnDelayStanza.Parse(t, job, ref a, ref at);
        }

        if (!t.Token.SequenceEqual("limit"))
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        at = a;
        if (!t.NextArgument(ref a, out var limit))
        {
            at = a;
            return false;
        }

        if (limit == "unlimited")
        {
            Field.RespawnLimit.Set(job, new RespawnLimit(0, 0));
            return Finish(t, ref a, ref at);
        }

        // JobClass.respawn_limit is an int: the long from strtol is truncated before the sign check.
        var count = CNumber.Strtol(limit, 10);
        var respawnCount = unchecked((int)count.Value);
        Field.RespawnLimit.Set(job, job.Current.RespawnLimit with { Count = respawnCount });
        if (!count.IsValid || respawnCount < 0)
        {
            return t.Raise(ParseErrors.IllegalLimit);
        }

        at = a;
        if (!t.NextArgument(ref a, out var interval))
        {
            at = a;
            return false;
        }

        var seconds = CNumber.Strtol(interval, 10);
        Field.RespawnLimit.Set(job, job.Current.RespawnLimit with { IntervalSeconds = seconds.Value });
        if (!seconds.IsValid || seconds.Value < 0)
        {
            return t.Raise(ParseErrors.IllegalInterval);
        }

        return Finish(t, ref a, ref at);
    }

    /// <summary>`normal exit ITEM...`: decimal statuses 0..INT_MAX or signal names (stored as signo&lt;&lt;8).</summary>
    public static bool Normal(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        if (!t.Token.SequenceEqual("exit"))
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        do
        {
            at = a;
            if (!t.NextArgument(ref a, out var item))
            {
                at = a;
                return false;
            }

            if (MayBeSignalName(item) && ArgumentGrammar.SignalName.TryParse(item, out var signal))
            {
                job.Open(NormalExitList).Add(ExitStatus.FromSignal(signal));
                continue;
            }

            var status = CNumber.Strtoul(item, 10);
            if (!status.IsValid || status.Value > int.MaxValue)
            {
                return t.Raise(ParseErrors.IllegalExit);
            }

            job.Open(NormalExitList).Add(ExitStatus.FromStatus((int)status.Value));
        }
        while (t.HasToken(a));

        return Finish(t, ref a, ref at);
    }

    /// <summary>`kill timeout N` or `kill signal SIG`.</summary>
    public static bool Kill(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        if (t.Token.SequenceEqual("timeout"))
        {
            at = a;
            if (!t.NextArgument(ref a, out var argument))
            {
                at = a;
                return false;
            }

            var seconds = CNumber.Strtol(argument, 10);
            Field.KillTimeout.Set(job, seconds.Value);
            if (!seconds.IsValid || seconds.Value < 0)
            {
                return t.Raise(ParseErrors.IllegalInterval);
            }
        }
        else if (t.Token.SequenceEqual("signal"))
        {
            if (!Signal(t, ref a, ref at, out var signal))
            {
                return false;
            }

            Field.KillSignal.Set(job, signal);
        }
        else
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        return Finish(t, ref a, ref at);
    }

    /// <summary>`reload signal SIG`.</summary>
    public static bool Reload(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        if (!t.Token.SequenceEqual("signal"))
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        if (!Signal(t, ref a, ref at, out var signal))
        {
            return false;
        }

        Field.ReloadSignal.Set(job, signal);
        return Finish(t, ref a, ref at);
    }

    /// <summary>A signal name, or any decimal 0..INT_MAX (numbers are not range checked).</summary>
    private static bool Signal(ConfigTokenizer t, ref Cursor a, ref Cursor at, out int signal)
    {
        signal = 0;
        at = a;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            return false;
        }

        if (MayBeSignalName(argument) && ArgumentGrammar.SignalName.TryParse(argument, out signal))
        {
            return true;
        }

        var number = CNumber.Strtoul(argument, 10);
        if (!number.IsValid || number.Value > int.MaxValue)
        {
            return t.Raise(ParseErrors.IllegalSignal);
        }

        signal = (int)number.Value;
        return true;
    }

    /// <summary>Signal names start with an upper-case letter; skipping the grammar for numbers is only faster.</summary>
    private static bool MayBeSignalName(string argument) => argument.Length > 0 && char.IsAsciiLetterUpper(argument[0]);

    /// <summary>The common tail: only a comment may follow, and the cursor moves on.</summary>
    internal static bool Finish(ConfigTokenizer t, ref Cursor a, ref Cursor at)
    {
        var ok = t.SkipComment(ref a);
        at = a;
        return ok;
    }

    /// <summary>The JobClassConfig properties these handlers set.</summary>
    private static class Field
    {
        public static readonly JobField<ExpectMode> Expect = new(nameof(JobClassConfig.Expect));

        public static readonly JobField<bool> Task = new(nameof(JobClassConfig.Task));

        public static readonly JobField<bool> Respawn = new(nameof(JobClassConfig.Respawn));

        public static readonly JobField<long> KillTimeout = new(nameof(JobClassConfig.KillTimeout));

        public static readonly JobField<int> KillSignal = new(nameof(JobClassConfig.KillSignal));

        public static readonly JobField<int> ReloadSignal = new(nameof(JobClassConfig.ReloadSignal));

        public static readonly JobField<RespawnLimit> RespawnLimit = new(nameof(JobClassConfig.RespawnLimit));
    }
}
