namespace Ciyuan.Core.Admin;

/// <summary>What an operator may do on <c>/admin</c> and in the dashboard.</summary>
public enum AdminRole
{
    /// <summary>Everything: read, create and revoke keys, change budgets, release in-doubt requests.</summary>
    Admin,

    /// <summary>Reads every figure; every change is refused with 403.</summary>
    Viewer,
}
