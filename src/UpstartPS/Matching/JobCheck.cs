namespace UpstartPS.Matching;

/// <summary>Test-UpstartJob's rule: something was selected, no literal name was missing, and every selected entry passes.</summary>
public static class JobCheck
{
    public static bool Passes(SelectionResult selection, string? state, string? goal, bool? disabled)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return selection.NotFound.Count == 0
            && selection.MissingInstances.Count == 0
            && selection.Jobs.Count > 0
            && selection.Jobs.All(j =>
                (state is null || string.Equals(j.State, state, StringComparison.OrdinalIgnoreCase))
                && (goal is null || string.Equals(j.Goal, goal, StringComparison.OrdinalIgnoreCase))
                && (disabled is null || j.Disabled == disabled));
    }
}
