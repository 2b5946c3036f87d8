namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// The packaging tests build Ciyuan in Release (compile, pack, publish an image): heavy work on a
/// two-core machine, done once per run by <see cref="ReleaseBuild"/> and never beside the
/// timing-sensitive tests of this assembly.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection : ICollectionFixture<ReleaseBuild>
{
    public const string Name = "Packaging";
}
