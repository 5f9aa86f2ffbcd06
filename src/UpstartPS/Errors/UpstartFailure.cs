using System.Management.Automation;

namespace UpstartPS.Errors;

/// <summary>
/// How one failure is reported: a stable ErrorId (the first half of FullyQualifiedErrorId, which
/// Pester asserts with -ErrorId), a real ErrorCategory, and whether nothing further can succeed
/// (daemon unreachable, access denied), which is the only case that terminates the command.
/// </summary>
public sealed record UpstartFailure(string ErrorId, ErrorCategory Category, bool Terminating, string Message);
