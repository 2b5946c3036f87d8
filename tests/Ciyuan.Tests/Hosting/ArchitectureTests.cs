using System.Reflection;

namespace Ciyuan.Tests.Hosting;

/// <summary>
/// The layering the build must keep: references point one way (Protocols, Tokenizers, Storage →
/// Core; Providers → Core and Protocols; Gateway → the libraries; the executable → everything),
/// Core knows no web framework and no database driver, the pipeline library no web framework, and
/// no library knows the executable. Read from what each compiled assembly references.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(Core.Metering.TokenUsage).Assembly;
    private static readonly Assembly Protocols = typeof(Protocols.Requests.RequestScanner).Assembly;
    private static readonly Assembly Providers = typeof(Providers.Http.HttpProviderAdapter).Assembly;
    private static readonly Assembly Tokenizers = typeof(Tokenizers.ITokenizer).Assembly;
    private static readonly Assembly Storage = typeof(Storage.StorageBackends).Assembly;
    private static readonly Assembly Gateway = Assembly.Load("Ciyuan.Gateway");

    private static readonly string[] WebAndDrivers = ["Microsoft.AspNetCore", "Npgsql", "Microsoft.Data.Sqlite", "StackExchange.Redis", "SQLitePCLRaw"];

    public static TheoryData<string, string[]> OwnReferences() => new()
    {
        { "Ciyuan.Core", [] },
        { "Ciyuan.Protocols", ["Ciyuan.Core"] },
        { "Ciyuan.Tokenizers", [] },
        { "Ciyuan.Storage", ["Ciyuan.Core"] },
        { "Ciyuan.Providers", ["Ciyuan.Core", "Ciyuan.Protocols"] },
        { "Ciyuan.Gateway", ["Ciyuan.Core", "Ciyuan.Protocols", "Ciyuan.Providers", "Ciyuan.Tokenizers", "Ciyuan.Storage"] },
    };

    [Theory]
    [MemberData(nameof(OwnReferences))]
    public void Library_ReferencesOnlyTheLibrariesBelowIt(string library, string[] allowed)
    {
        var own = References(Assembly.Load(library)).Where(name => name.StartsWith("Ciyuan", StringComparison.OrdinalIgnoreCase)).ToArray();

        Assert.All(own, name => Assert.Contains(name, allowed));
    }

    [Fact]
    public void Core_ReferencesNoWebFrameworkAndNoDatabaseDriver()
    {
        Assert.DoesNotContain(References(Core), name => WebAndDrivers.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public void ProtocolsTokenizersAndGateway_ReferenceNoWebFramework()
    {
        foreach (var assembly in new[] { Protocols, Tokenizers, Providers, Gateway })
        {
            Assert.DoesNotContain(References(assembly), name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void NoLibrary_ReferencesTheExecutable()
    {
        foreach (var assembly in new[] { Core, Protocols, Providers, Tokenizers, Storage, Gateway })
        {
            Assert.DoesNotContain("ciyuan", References(assembly));
        }
    }

    private static string[] References(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
}
