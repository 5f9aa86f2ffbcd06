using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// The five environment requests (list-env, get-env, set-env, unset-env, reset-env), built once for both
/// clients. A job names the instance's own environment; no job, the global table. An instance given
/// without a job is a caller's mistake, refused here rather than silently widened to the global table.
/// </summary>
internal static class EnvironmentRequests
{
    public static RequestFrame List(string? job, string? instance) => Scoped(Operations.ListEnv, job, instance);

    public static RequestFrame Get(string name, string? job, string? instance)
    {
        ArgumentNullException.ThrowIfNull(name);
        var request = Scoped(Operations.GetEnv, job, instance);
        request.Names = [name];
        return request;
    }

    public static RequestFrame Set(IReadOnlyList<string> variables, bool retain, string? job, string? instance)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var request = Scoped(Operations.SetEnv, job, instance);
        request.Env = variables;
        request.Retain = retain ? true : null;
        return request;
    }

    public static RequestFrame Unset(IReadOnlyList<string> names, string? job, string? instance)
    {
        ArgumentNullException.ThrowIfNull(names);
        var request = Scoped(Operations.UnsetEnv, job, instance);
        request.Names = names;
        return request;
    }

    public static RequestFrame Reset(string? job, string? instance) => Scoped(Operations.ResetEnv, job, instance);

    private static RequestFrame Scoped(string op, string? job, string? instance)
    {
        if (job is null && instance is not null)
        {
            throw new ArgumentException("An instance names an environment only together with its job", nameof(instance));
        }

        return new RequestFrame { Op = op, Job = job, Instance = job is null ? null : instance ?? "" };
    }
}
