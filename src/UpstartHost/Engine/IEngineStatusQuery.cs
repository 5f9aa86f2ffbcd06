namespace UpstartHost.Engine;

/// <summary>
/// status for one job (or a name pattern) without listing every class: the control server answers
/// `status NAME` from this when the engine offers it, so one status among thousands of jobs costs one
/// dictionary lookup on the engine thread instead of a snapshot of every class.
/// </summary>
public interface IEngineStatusQuery
{
    /// <summary>
    /// The snapshots <see cref="IEngineControl.ListAsync"/> would give for the classes whose name matches
    /// <paramref name="namePattern"/> (an exact name, or <c>*</c>, <c>?</c>, <c>[…]</c> wildcards), in the
    /// same order; with <paramref name="instance"/>, only that instance's. Empty when nothing matches.
    /// </summary>
    Task<IReadOnlyList<JobSnapshot>> StatusAsync(string namePattern, string? instance, CancellationToken cancellationToken = default);
}
