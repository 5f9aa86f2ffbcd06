# Restart-UpstartDaemon against a real session daemon: the stateful re-exec keeps every job, -WhatIf
# changes nothing, and a daemon that is not there terminates the command.

Describe 'Restart-UpstartDaemon' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        New-UpstartTestJob $jobs sleeper "exec sleep 3600" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs
        $daemonLog = { $daemon.Fixture.DaemonOutput }
        Start-UpstartJob sleeper
    }

    AfterAll {
        Get-UpstartJob | Where-Object Goal -eq 'start' | Stop-UpstartJob -Timeout 20 -ErrorAction SilentlyContinue
        Stop-UpstartTestDaemon $daemon
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'changes nothing with -WhatIf' {
        $before = (Get-UpstartJob sleeper).MainPid
        $result = Restart-UpstartDaemon -WhatIf
        $result | Should -BeNullOrEmpty
        & $daemonLog | Should -Not -Match 'Re-executing'
        (Get-UpstartJob sleeper).MainPid | Should -Be $before
    }

    It 're-execs in place: the running job keeps its pid, and -PassThru names the same daemon process' {
        $before = Get-UpstartJob sleeper
        $before.State | Should -Be 'running'

        $answered = Restart-UpstartDaemon -Confirm:$false -PassThru -Timeout 30

        $answered.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartDaemon'
        $answered.ProcessId | Should -Be $daemon.Process.Id
        $answered.Mode | Should -Be 'session'
        $answered.SocketPath | Should -Be $daemon.Socket
        $answered.Version | Should -Not -BeNullOrEmpty
        # The new program says it resumed what the old one handed over (and so it was a real exec).
        Wait-UpstartTestCondition { (& $daemonLog) -match 'Re-executed: 1 instances resumed, 1 processes kept' }
        $after = Get-UpstartJob sleeper
        $after.State | Should -Be 'running'
        $after.MainPid | Should -Be $before.MainPid
    }

    It 'terminates with DaemonNotRunning when no daemon listens' {
        $nowhere = Join-Path $TestDrive 'nobody-listens.sock'
        { Restart-UpstartDaemon -SocketPath $nowhere -Confirm:$false } |
            Should -Throw -ErrorId 'DaemonNotRunning,UpstartPS.Commands.RestartUpstartDaemonCommand'
    }
}
