using System.Net;
using System.Net.NetworkInformation;

namespace UpstartPS.Remoting;

/// <summary>
/// Whether a PSComputerName names this machine. Invoke-Command and Start-Job tag what they return with it, and
/// a local background job says 'localhost'; the names PowerShell itself treats as the local machine (localhost,
/// '.', the machine name, its fully qualified name, loopback addresses) are here, so that only a job from
/// another machine is refused. No DNS lookup: the check must be instant and work offline.
/// </summary>
public static class ThisComputer
{
    /// <summary>True when <paramref name="computer"/> names this machine (case-insensitive).</summary>
    public static bool Is(string computer) => Is(computer, Environment.MachineName, DomainName());

    /// <summary>The same check against a given machine name and DNS domain (testable without this machine's).</summary>
    public static bool Is(string computer, string machineName, string? domain)
    {
        ArgumentNullException.ThrowIfNull(computer);
        ArgumentNullException.ThrowIfNull(machineName);
        var name = computer.Trim().TrimEnd('.');
        if (computer.Trim() == "." || name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.Equals(machineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!string.IsNullOrEmpty(domain) && name.Equals($"{machineName}.{domain.Trim('.')}", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(name.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    private static string? DomainName()
    {
        try
        {
            return IPGlobalProperties.GetIPGlobalProperties().DomainName;
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }
}
