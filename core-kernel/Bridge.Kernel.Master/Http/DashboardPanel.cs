namespace Bridge.Kernel.Master.Http;

/// <summary>
/// A table on the master's dashboard that the master itself does not know how to fill: the process hosting the master
/// supplies it (<c>bridge up</c>: the YARN bridge's NodeManagers and containers, the event bus's topics and rates).
/// Served as JSON at <c>GET /api/v1/panels</c>.
/// </summary>
/// <param name="Caption">The table's caption.</param>
/// <param name="Columns">Column headings.</param>
/// <param name="Rows">Cells, one list per row, as many as <paramref name="Columns"/>, already formatted for people.</param>
public sealed record DashboardTable(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A section of the dashboard filled by its host (see <see cref="DashboardTable"/>).</summary>
/// <param name="Title">The section's heading, e.g. <c>YARN</c>.</param>
/// <param name="Read">Reads the section's tables now. Called on each dashboard refresh (every 2 s per open page); it
/// should answer within a second. An exception is shown in the section as its message.</param>
public sealed record DashboardPanel(string Title, Func<CancellationToken, Task<IReadOnlyList<DashboardTable>>> Read);
