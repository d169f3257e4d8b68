namespace Sesame.Tests.TestSupport;

/// <summary>
/// A test that needs the PostgreSQL cluster <c>scripts/test.sh</c> starts (connection string in
/// <see cref="PostgresTestDatabase.Variable"/>). Without one it is skipped on a developer machine, with the reason; under
/// CI (<c>CI=true</c>) it runs anyway and fails, so a broken harness can never pass as "skipped".
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresTestDatabase.SkipReason;
}

/// <summary>The theory form of <see cref="PostgresFactAttribute"/>.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = PostgresTestDatabase.SkipReason;
}
