namespace Ciyuan.Core.Admin;

/// <summary>The names of <see cref="AdminRole"/> as they appear on the command line, in JSON and in the database.</summary>
public static class AdminRoles
{
    public const string Names = "admin, viewer";

    public static string Name(AdminRole role) => role == AdminRole.Viewer ? "viewer" : "admin";

    public static bool TryParse(string? text, out AdminRole role)
    {
        (var ok, role) = text switch
        {
            "admin" => (true, AdminRole.Admin),
            "viewer" => (true, AdminRole.Viewer),
            _ => (false, AdminRole.Viewer),
        };
        return ok;
    }
}
