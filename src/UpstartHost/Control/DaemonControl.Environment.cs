using UpstartPS.Protocol;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Control;

/// <summary>
/// list-env, get-env, set-env, unset-env and reset-env (docs/initctl.md, "Environment commands"): the engine keeps
/// the tables; here a system daemon refuses to change them, as Upstart 1.13.2 refuses it to PID 1 (LP #1356824):
/// the system daemon stands where PID 1 stood, every root job would start from a table any administrator's
/// script could have changed on the side, and set variables belong in the job file (`env`) where they are seen.
/// The server has already required an administrator for every one of them in system mode.
/// </summary>
public sealed partial class DaemonControl
{
    /// <summary>initctl's refusal, word for word, so a script that tests for it keeps working.</summary>
    public const string SystemEnvironmentRefusal = "Not permissible to modify PID 1 job environment";

    public Task<IReadOnlyList<string>> ListEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Engine(() => engine.ReadEnvironmentAsync(job, instance, cancellationToken));

    /// <summary>get-env: from the same table as list-env; a variable that is not set is initctl's "No such variable: NAME".</summary>
    public async Task<string> GetEnvironmentAsync(ClientIdentity client, string? job, string? instance, string name, CancellationToken cancellationToken)
    {
        var table = await ListEnvironmentAsync(client, job, instance, cancellationToken).ConfigureAwait(false);
        foreach (var entry in table)
        {
            if (entry.Length > name.Length && entry[name.Length] == '=' && entry.StartsWith(name, StringComparison.Ordinal))
            {
                return entry[(name.Length + 1)..];
            }
        }

        throw new UpstartException(UpstartErrorCode.UnknownVariable, "No such variable: " + name);
    }

    public Task SetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken)
    {
        RefuseInSystemMode();
        return Engine(() => engine.SetEnvironmentAsync(job, instance, variables, retain, cancellationToken));
    }

    public Task UnsetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        RefuseInSystemMode();
        return Engine(() => engine.UnsetEnvironmentAsync(job, instance, names, cancellationToken));
    }

    public Task ResetEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken)
    {
        RefuseInSystemMode();
        return Engine(() => engine.ResetEnvironmentAsync(job, instance, cancellationToken));
    }

    private void RefuseInSystemMode()
    {
        if (authorization.Mode == DaemonMode.System)
        {
            throw new UpstartException(UpstartErrorCode.AccessDenied, SystemEnvironmentRefusal);
        }
    }
}
