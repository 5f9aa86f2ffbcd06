using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing.Stanzas;

/// <summary>
/// The environment a process runs in: console, umask, nice, oom score, limit, apparmor, cgroup and
/// debug (init(5) "Process environment").
/// </summary>
internal static class ExecutionStanzas
{
    private const string AppArmorParser = "/sbin/apparmor_parser -r -W";
    private const string ImplicitCgroupName = "$UPSTART_CGROUP";

    /// <summary>cgroup stanzas merge as Upstart's cgroup.c keeps them (<see cref="CgroupTable"/>).</summary>
    private static readonly Accumulated<CgroupTable> CgroupList =
        new(static c => CgroupTable.From(c.Cgroups), static (draft, table) => Field.Cgroups.Set(draft, table.ToImmutable()));

    /// <summary>`console none|output|owner|log`.</summary>
    public static bool Console(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            return false;
        }

        if (!ArgumentGrammar.Console.TryParse(argument, out var mode))
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        Field.Console.Set(job, mode);
        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>`umask OCTAL`: base 8 even without a leading 0; at most 0777.</summary>
    public static bool Umask(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            return false;
        }

        // mode_t is 32 bits: strtoul's result is truncated before the range check, as in Upstart.
        var mask = CNumber.Strtoul(argument, 8);
        var umask = unchecked((uint)mask.Value);
        Field.Umask.Set(job, unchecked((int)umask));
        if (!mask.IsValid || (umask & ~0x1FFu) != 0)
        {
            return t.Raise(ParseErrors.IllegalUmask);
        }

        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>`nice N`, -20..19.</summary>
    public static bool Nice(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            return false;
        }

        var value = CNumber.Strtol(argument, 10);
        var nice = unchecked((int)value.Value);
        Field.Nice.Set(job, nice);
        if (!value.IsValid || nice < -20 || nice > 19)
        {
            return t.Raise(ParseErrors.IllegalNice);
        }

        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>
    /// `oom score N|never` (-1000..1000), or the legacy `oom N|never` (-17..15) converted to a score by
    /// N*1000/17 or N*1000/15 with C's truncating division.
    /// </summary>
    public static bool Oom(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            return false;
        }

        if (argument == "score")
        {
            at = a;
            if (!t.NextArgument(ref a, out var score))
            {
                at = a;
                return false;
            }

            if (score == "never")
            {
                Field.OomScore.Set(job, -1000);
            }
            else
            {
                var value = CNumber.Strtol(score, 10);
                var oomScore = unchecked((int)value.Value);
                Field.OomScore.Set(job, oomScore);
                if (!value.IsValid || oomScore < -1000 || oomScore > 1000)
                {
                    return t.Raise(ParseErrors.IllegalOom, ParseErrors.OomScoreMessage);
                }
            }
        }
        else if (argument == "never")
        {
            Field.OomScore.Set(job, -1000);
        }
        else
        {
            var value = CNumber.Strtol(argument, 10);
            var adj = unchecked((int)value.Value);
            Field.OomScore.Set(job, unchecked(adj * 1000) / (adj < 0 ? 17 : 15));
            if (!value.IsValid || adj < -17 || adj > 15)
            {
                return t.Raise(ParseErrors.IllegalOom);
            }
        }

        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>`limit RES SOFT HARD`: both values, each unsigned decimal or `unlimited`.</summary>
    public static bool Limit(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextArgument(ref a, out var name))
        {
            at = a;
            return false;
        }

        if (!ArgumentGrammar.Resource.TryParse(name, out var resource))
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        if (!LimitValue(t, ref a, ref at, out var soft) || !LimitValue(t, ref a, ref at, out var hard))
        {
            return false;
        }

        Field.Limits.Set(job, job.Current.Limits.SetItem(resource, new ResourceLimit(soft, hard)));
        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>`apparmor load PATH` (run as the security process) or `apparmor switch NAME`.</summary>
    public static bool AppArmor(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var a = at;
        if (!t.NextToken(ref a, Delimiters.Blank, dequote: false))
        {
            at = a;
            return false;
        }

        if (t.Token.SequenceEqual("load"))
        {
            at = a;
            if (!t.NextArgument(ref a, out var profile))
            {
                at = a;
                return false;
            }

            Field.AppArmorLoad.Set(job, profile);
            ProcessStanzas.Define(job, ProcessKind.Security, new ProcessDefinition(IsScript: false, $"{AppArmorParser} {profile}", at.Line));
        }
        else if (t.Token.SequenceEqual("switch"))
        {
            at = a;
            if (!t.NextArgument(ref a, out var profile))
            {
                Field.AppArmorSwitch.Set(job, null);
                at = a;
                return false;
            }

            Field.AppArmorSwitch.Set(job, profile);
        }
        else
        {
            return t.Raise(ParseErrors.UnknownStanza);
        }

        return SupervisionStanzas.Finish(t, ref a, ref at);
    }

    /// <summary>
    /// `cgroup CONTROLLER [NAME] [KEY VALUE]`: the argument count decides the meaning; three arguments
    /// mean a setting under the implicit name `$UPSTART_CGROUP`.
    /// </summary>
    public static bool Cgroup(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        var args = new string?[4];
        var count = 0;
        do
        {
            if (!t.NextArgument(ref at, out var argument))
            {
                return false;
            }

            args[count++] = argument;
        }
        while (count < args.Length && t.HasToken(at));

        if (!t.SkipComment(ref at))
        {
            return false;
        }

        var cgroups = job.Open(CgroupList);
        switch (count)
        {
            case 1:
                cgroups.Add(args[0]!, ImplicitCgroupName, null, null);
                break;
            case 2:
                cgroups.Add(args[0]!, args[1]!, null, null);
                break;
            case 3:
                cgroups.Add(args[0]!, ImplicitCgroupName, args[1], args[2]);
                break;
            default:
                cgroups.Add(args[0]!, args[1]!, args[2], args[3]);
                break;
        }

        return true;
    }

    /// <summary>
    /// `debug`: recorded; the daemon decides whether to honour it. Like `manual` it takes no argument and
    /// leaves the rest of the line alone (stanza_debug in 1.13.2 returns without reading on), so
    /// `debug task` is two stanzas and `debug x` is an unknown stanza at `x`.
    /// </summary>
    public static bool Debug(ConfigTokenizer t, JobParseState job, ref Cursor at)
    {
        Field.Debug.Set(job, true);
        return true;
    }

    private static bool LimitValue(ConfigTokenizer t, ref Cursor a, ref Cursor at, out ulong value)
    {
        at = a;
        if (!t.NextArgument(ref a, out var argument))
        {
            at = a;
            value = 0;
            return false;
        }

        if (argument == "unlimited")
        {
            value = ResourceLimit.Infinity;
            return true;
        }

        var number = CNumber.Strtoul(argument, 10);
        value = number.Value;
        return number.IsValid || t.Raise(ParseErrors.IllegalLimit);
    }

    /// <summary>The JobClassConfig properties these handlers set.</summary>
    private static class Field
    {
        public static readonly JobField<ConsoleMode> Console = new(nameof(JobClassConfig.Console));

        public static readonly JobField<int> Umask = new(nameof(JobClassConfig.Umask));

        public static readonly JobField<int?> Nice = new(nameof(JobClassConfig.Nice));

        public static readonly JobField<ImmutableDictionary<ResourceKind, ResourceLimit>> Limits = new(nameof(JobClassConfig.Limits));

        public static readonly JobField<string?> AppArmorLoad = new(nameof(JobClassConfig.AppArmorLoad));

        public static readonly JobField<string?> AppArmorSwitch = new(nameof(JobClassConfig.AppArmorSwitch));

        public static readonly JobField<bool> Debug = new(nameof(JobClassConfig.Debug));

        public static readonly JobField<int> OomScore = new(nameof(JobClassConfig.OomScore));

        public static readonly JobField<ImmutableArray<CgroupSetting>> Cgroups = new(nameof(JobClassConfig.Cgroups));
    }
}
