using UpstartPS.Protocol;

namespace UpstartHost.Hosting;

/// <summary>One event of the boot or shutdown sequence: `runlevel RUNLEVEL=2 PREVLEVEL=N`.</summary>
public sealed record BootEvent(string Name, IReadOnlyList<string> Environment)
{
    /// <summary>
    /// Splits on blanks; every word after the name must be KEY=VALUE. The settings file is an edge like the
    /// control socket, so it gets the protocol's rule (<see cref="RequestArguments"/>): the engine takes
    /// boot and shutdown events as given.
    /// </summary>
    public static BootEvent Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new HostUsageException("an empty event in the boot or shutdown sequence");
        }

        foreach (var word in words.AsSpan(1))
        {
            if (!RequestArguments.IsEnvironmentEntry(word))
            {
                throw new HostUsageException($"event \"{text}\": Env must be KEY=VALUE pairs");
            }
        }

        return new BootEvent(words[0], words[1..]);
    }

    public override string ToString() => Environment.Count == 0 ? Name : Name + " " + string.Join(' ', Environment);
}
