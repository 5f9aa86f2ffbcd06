# Test-UpstartJobConfiguration: check-config asked of a real session daemon.

Describe 'Test-UpstartJobConfiguration' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        # mountall's event: nothing emits it under this daemon (docs/migrating.md), so check-config reports it.
        New-UpstartTestJob $jobs mounter "start on mounted MOUNTPOINT=/run`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs haunted "start on started ghost`nexec sleep 3600" | Out-Null
        # An `or` passes when either side can be satisfied; only -WarnAll reports the side that cannot.
        New-UpstartTestJob $jobs either "start on started ghost or startup`nexec sleep 3600" | Out-Null
        New-UpstartTestJob $jobs fine "start on started mounter`nstop on stopping mounter`nexec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'reports a job waiting for an event nothing emits, with its job, stanza, kind and event' {
        $problem = Test-UpstartJobConfiguration | Where-Object Job -eq 'mounter'
        $problem | Should -HaveCount 1
        $problem.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartJobConfigurationProblem'
        $problem.Stanza | Should -BeExactly 'start on'
        $problem.Kind | Should -BeExactly 'Event'
        $problem.Unknown | Should -BeExactly 'mounted'
        $problem.ToString() | Should -BeExactly 'mounter: start on: unknown event mounted'
    }

    It 'reports a job waiting on a job that does not exist' {
        $problem = Test-UpstartJobConfiguration | Where-Object Job -eq 'haunted'
        $problem | Should -HaveCount 1
        $problem.Stanza | Should -BeExactly 'start on'
        $problem.Kind | Should -BeExactly 'Job'
        $problem.Unknown | Should -BeExactly 'ghost'
        "$problem" | Should -BeExactly 'haunted: start on: unknown job ghost'
    }

    It 'reports nothing else: an or with a reachable side and a condition on a loaded job pass' {
        (Test-UpstartJobConfiguration | ForEach-Object ToString) | Sort-Object |
            Should -Be @('haunted: start on: unknown job ghost', 'mounter: start on: unknown event mounted')
    }

    It 'counts the events -IgnoreEvent names as emitted, as initctl check-config -i' {
        $problems = Test-UpstartJobConfiguration -IgnoreEvent mounted
        $problems | Should -HaveCount 1
        $problems.Job | Should -Be 'haunted'
        (Test-UpstartJobConfiguration -IgnoreEvent 'mount*').Job | Should -Be 'haunted'
    }

    It 'checks only the jobs -Name selects, literal or wildcard' {
        (Test-UpstartJobConfiguration -Name haunted).Unknown | Should -Be 'ghost'
        (Test-UpstartJobConfiguration mount*).Job | Should -Be 'mounter'
        Test-UpstartJobConfiguration -Name fine, either | Should -BeNullOrEmpty
        (Test-UpstartJobConfiguration -Name 'MOUNTER').Job | Should -Be 'mounter'
    }

    It 'keeps what -Include matches and leaves out what -Exclude matches' {
        (Test-UpstartJobConfiguration -Exclude 'haunt*').Job | Should -Be 'mounter'
        (Test-UpstartJobConfiguration -Name * -Include 'haunted').Job | Should -Be 'haunted'
    }

    It 'writes NoJobFoundForGivenName for a literal name no job has, and nothing for a wildcard' {
        $problems = Test-UpstartJobConfiguration -Name nosuch, mounter -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'NoJobFoundForGivenName,UpstartPS.Commands.TestUpstartJobConfigurationCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'nosuch'
        $problems.Job | Should -Be 'mounter'
        Test-UpstartJobConfiguration -Name 'nosuch*' -ErrorVariable none | Should -BeNullOrEmpty
        $none | Should -BeNullOrEmpty
    }

    It 'writes one $false with -Quiet while something is reported, and $true once it is ignored or left out' {
        Test-UpstartJobConfiguration -Quiet | Should -BeExactly $false
        Test-UpstartJobConfiguration mounter -Quiet | Should -BeExactly $false
        Test-UpstartJobConfiguration mounter -IgnoreEvent mounted -Quiet | Should -BeExactly $true
        Test-UpstartJobConfiguration -Exclude haunted -IgnoreEvent mounted -Quiet | Should -BeExactly $true
        Test-UpstartJobConfiguration fine, either -Quiet | Should -BeExactly $true
    }

    It 'writes one bool for the whole pipeline with -Quiet, and $false for a literal name no job has' {
        $answer = 'fine', 'mounter', 'either' | Test-UpstartJobConfiguration -Quiet
        $answer | Should -HaveCount 1
        $answer | Should -BeExactly $false
        Test-UpstartJobConfiguration nosuch -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
    }

    It 'reports with -WarnAll the unreachable side of an or whose other side is reachable' {
        Test-UpstartJobConfiguration -Name either | Should -BeNullOrEmpty
        $problem = Test-UpstartJobConfiguration -Name either -WarnAll
        $problem | Should -HaveCount 1
        $problem.Stanza | Should -BeExactly 'start on'
        $problem.Kind | Should -BeExactly 'Job'
        $problem.Unknown | Should -BeExactly 'ghost'
        (Test-UpstartJobConfiguration -WarnAll).Job | Sort-Object | Should -Be @('either', 'haunted', 'mounter')
    }

    It 'takes job objects from the pipeline, once per job, and its problems pipe into the job cmdlets by Job' {
        (Get-UpstartJob mounter, fine | Test-UpstartJobConfiguration).Job | Should -Be 'mounter'
        'mounter', 'mounter' | Test-UpstartJobConfiguration | Should -HaveCount 1
        $configs = Test-UpstartJobConfiguration | Get-UpstartJobConfiguration
        $configs.Name | Sort-Object | Should -Be @('haunted', 'mounter')
        ($configs | Where-Object Name -eq mounter).StartOn | Should -Be 'mounted MOUNTPOINT=/run'
    }

    It 'shows a table of Job, Stanza, Kind and Unknown by default, also for deserialized problems' {
        $lines = Test-UpstartJobConfiguration | Sort-Object Job | Out-String -Stream -Width 80 | Where-Object { $_ -match '\S' }
        $lines[0] | Should -MatchExactly '^Job\s+Stanza\s+Kind\s+Unknown$'
        $lines[2] | Should -MatchExactly '^haunted\s+start on\s+Job\s+ghost$'
        $lines[3] | Should -MatchExactly '^mounter\s+start on\s+Event\s+mounted$'
        $remote = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Test-UpstartJobConfiguration mounter)))
        $remote.PSObject.TypeNames[0] | Should -Be 'Deserialized.UpstartPS.UpstartJobConfigurationProblem'
        ($remote | Out-String -Stream | Where-Object { $_ -match '\S' })[0] | Should -Match '^Job\s+Stanza\s+Kind\s+Unknown$'
        ($remote | Format-List | Out-String) | Should -Match 'Unknown\s+:\s+mounted'
        ($remote | Where-Object Kind -eq 'Event').Unknown | Should -Be 'mounted'
    }

    It 'terminates with DaemonNotRunning when no daemon answers' {
        $nowhere = Join-Path $TestDrive 'nowhere.sock'
        { Test-UpstartJobConfiguration -SocketPath $nowhere } |
            Should -Throw -ErrorId 'DaemonNotRunning,UpstartPS.Commands.TestUpstartJobConfigurationCommand'
    }

    It 'completes job names for -Name and the events jobs wait for for -IgnoreEvent' {
        $line = 'Test-UpstartJobConfiguration -Name haun'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'haunted'
        $line = 'Test-UpstartJobConfiguration -IgnoreEvent moun'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'mounted'
    }
}
