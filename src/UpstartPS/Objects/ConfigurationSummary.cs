using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>The one-line account of a reload shown by -WhatIf and -Confirm.</summary>
public static class ConfigurationSummary
{
    public static string Describe(ConfigurationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Added.Count + change.Changed.Count + change.Removed.Count == 0)
        {
            return "no job would be added, changed or removed";
        }

        var parts = new List<string>();
        Add(parts, "add", change.Added);
        Add(parts, "change", change.Changed);
        Add(parts, "remove", change.Removed);
        return string.Join("; ", parts);
    }

    private static void Add(List<string> parts, string verb, IReadOnlyList<string> names)
    {
        if (names.Count > 0)
        {
            parts.Add($"{verb} {string.Join(", ", names)}");
        }
    }
}
