using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>Every (state, goal) cell of UPSTART.md §c.1, with and without a live main process.</summary>
public sealed class StateTableTests
{
    public static TheoryData<JobState, JobGoal, bool, string> Table()
    {
        // "-" is a cell Upstart never reaches (it asserts there).
        var rows = new (JobState State, string Start, string Stop, string Respawn)[]
        {
            (JobState.Waiting, "start/starting", "-", "-"),
            (JobState.Starting, "start/security", "stop/stopping", "-"),
            (JobState.Security, "start/pre-start", "stop/stopping", "-"),
            (JobState.PreStart, "start/spawned", "stop/stopping", "-"),
            (JobState.Spawned, "start/post-start", "stop/stopping", "-"),
            (JobState.PostStart, "start/running", "stop/stopping", "start/stopping"),
            (JobState.Running, "start/stopping", "stop/pre-stop|stop/stopping", "-"),
            (JobState.PreStop, "start/running", "stop/stopping", "start/stopping"),
            (JobState.Stopping, "start/killed", "stop/killed", "-"),
            (JobState.Killed, "start/post-stop", "stop/post-stop", "-"),
            (JobState.PostStop, "start/starting", "stop/waiting", "-"),
        };
        var data = new TheoryData<JobState, JobGoal, bool, string>();
        foreach (var row in rows)
        {
            foreach (var mainAlive in new[] { true, false })
            {
                data.Add(row.State, JobGoal.Start, mainAlive, row.Start);
                var stop = row.Stop.Split('|');
                data.Add(row.State, JobGoal.Stop, mainAlive, stop.Length == 2 ? stop[mainAlive ? 0 : 1] : stop[0]);
                data.Add(row.State, JobGoal.Respawn, mainAlive, row.Respawn);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Next_state_follows_the_upstart_table(JobState state, JobGoal goal, bool mainAlive, string expected)
    {
        var step = StateTable.Next(state, goal, mainAlive);

        var actual = step is { } s ? $"{s.Goal.ToUpstartName()}/{s.State.ToUpstartName()}" : "-";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_table_covers_every_state_and_goal()
    {
        Assert.Equal(Enum.GetValues<JobState>().Length * Enum.GetValues<JobGoal>().Length * 2, Table().Count);
    }

    [Fact]
    public void State_and_goal_names_round_trip()
    {
        foreach (var state in Enum.GetValues<JobState>())
        {
            Assert.True(JobStateNames.TryParse(state.ToUpstartName(), out var parsed));
            Assert.Equal(state, parsed);
        }

        foreach (var goal in Enum.GetValues<JobGoal>())
        {
            Assert.True(JobGoalNames.TryParse(goal.ToUpstartName(), out var parsed));
            Assert.Equal(goal, parsed);
        }

        Assert.False(JobStateNames.TryParse("spawning", out _));
    }
}
