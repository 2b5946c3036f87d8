using Ciyuan.Core.Admin;

namespace Ciyuan.AdminAccess;

/// <summary>Registers who may use <c>/admin</c> and the dashboard.</summary>
internal static class AdminAccessServices
{
    public static IServiceCollection AddAdminAccess(this IServiceCollection services, string? masterKey, IAdminStore store)
    {
        services.AddSingleton(new MasterKey(masterKey));
        services.AddSingleton(store);
        services.AddSingleton<AdminAuthenticator>();
        services.AddSingleton<AdminTokenService>();
        return services;
    }
}
