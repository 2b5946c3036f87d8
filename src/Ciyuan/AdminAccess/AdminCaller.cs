using Ciyuan.Core.Admin;

namespace Ciyuan.AdminAccess;

/// <summary>Who is calling <c>/admin</c> or using the dashboard: the master key, or an admin token with its role.</summary>
internal sealed record AdminCaller(AdminRole Role, string Subject, string? TokenId)
{
    public static AdminCaller Master { get; } = new(AdminRole.Admin, "master key", null);

    public bool CanChange => Role == AdminRole.Admin;
}
