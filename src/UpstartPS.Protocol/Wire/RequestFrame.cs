namespace UpstartPS.Protocol.Wire;

/// <summary>
/// One request. Flat: <see cref="Op"/> names the operation and only the fields it uses are present
/// (docs/protocol.md lists them per operation). Unknown fields are ignored so later clients may add some.
/// </summary>
internal sealed class RequestFrame
{
    /// <summary>Chosen by the client, unique among its requests in flight on this connection; the response carries it back.</summary>
    public long Id { get; set; }

    public string? Op { get; set; }

    /// <summary>Job name (a pattern with * ? [..] for status).</summary>
    public string? Job { get; set; }

    public string? Instance { get; set; }

    /// <summary>Event name for emit.</summary>
    public string? Event { get; set; }

    /// <summary>KEY=VALUE strings for start, stop, restart, reload and emit; VAR or VAR=VALUE for set-env.</summary>
    public IReadOnlyList<string>? Env { get; set; }

    /// <summary>Start/stop/restart/emit: return only once done (default true).</summary>
    public bool? Wait { get; set; }

    public bool? DryRun { get; set; }

    public IReadOnlyList<string>? IgnoredEvents { get; set; }

    /// <summary>check-config: initctl's `-w`, every unreachable operand (also on a side of an `or` the other satisfies).</summary>
    public bool? WarnAll { get; set; }

    public bool? Enabled { get; set; }

    /// <summary>set-enabled with enabled false: also stop every running instance (`disable --now`).</summary>
    public bool? Stop { get; set; }

    /// <summary>log-priority: the priority to set, or absent to read it.</summary>
    public string? Priority { get; set; }

    public int? Tail { get; set; }

    public bool? Follow { get; set; }

    public bool? History { get; set; }

    /// <summary>
    /// log, watch: carry on a stream the daemon handed over as it re-executed, from where it ended (the `resume`
    /// of its `end` frame, opaque to clients).
    /// </summary>
    public string? Resume { get; set; }

    /// <summary>get-env (one), unset-env: variable names.</summary>
    public IReadOnlyList<string>? Names { get; set; }

    /// <summary>set-env: keep a variable's value when it is already set (initctl's `-r`).</summary>
    public bool? Retain { get; set; }
}
