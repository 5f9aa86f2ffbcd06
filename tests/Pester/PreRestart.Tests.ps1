# Test then restart from PowerShell: a pre-restart check that fails refuses Restart-UpstartJob and
# Update-UpstartJob with a JobCheckFailed error record that carries the check's status and lines.

Describe 'pre-restart check' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $jobs = Join-Path $TestDrive 'init'
        $state = New-UpstartTestDirectory
        $bad = Join-Path $state 'bad'
        $check = "pre-restart script`n  echo checking`n  if [ -e '$bad' ]; then echo 'line 12: unknown directive lisen'; exit 3; fi`nend script"
        New-UpstartTestJob $jobs checked "exec sleep 3600`n$check" | Out-Null
        Import-Module (Get-UpstartTestModulePath) -Force
        $daemon = Start-UpstartTestDaemon -JobDirectory $jobs -StateDirectory $state
    }

    AfterAll {
        Stop-UpstartTestDaemon $daemon
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    AfterEach {
        Remove-Item -LiteralPath $bad -Force -ErrorAction SilentlyContinue
        Get-UpstartJob checked | Where-Object Goal -eq 'start' | Stop-UpstartJob -Timeout 20
    }

    It 'writes JobCheckFailed with the exit status and the lines, and leaves the old process running' {
        $before = Start-UpstartJob -Name checked -PassThru
        Set-Content -LiteralPath $bad -Value ''

        $result = Restart-UpstartJob -Name checked -PassThru -ErrorVariable err -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'JobCheckFailed,UpstartPS.Commands.RestartUpstartJobCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $err[0].Exception | Should -BeOfType ([UpstartPS.Errors.UpstartCheckFailedException])
        $err[0].Exception.ExitStatus | Should -Be 3
        $err[0].Exception.Output | Should -Be @('checking', 'line 12: unknown directive lisen')
        $err[0].TargetObject | Should -BeOfType ([UpstartPS.UpstartCheckFailure])
        $err[0].TargetObject.Name | Should -Be 'checked'
        $err[0].TargetObject.Result | Should -Be 'failed'
        $err[0].TargetObject.ExitStatus | Should -Be 3
        $err[0].ErrorDetails.Message | Should -BeLike "*pre-restart check terminated with status 3*line 12: unknown directive lisen"
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*left as it was*'
        (Get-UpstartJob checked).MainPid | Should -Be $before.MainPid
    }

    It 'can be caught as a typed exception with -ErrorAction Stop' {
        Start-UpstartJob -Name checked
        Set-Content -LiteralPath $bad -Value ''

        $caught = $null
        try {
            Update-UpstartJob -Name checked -ErrorAction Stop
        }
        catch [UpstartPS.Errors.UpstartCheckFailedException] {
            $caught = $_.Exception
        }

        $caught | Should -Not -BeNullOrEmpty
        $caught.JobName | Should -Be 'checked'
        $caught.Output[-1] | Should -Be 'line 12: unknown directive lisen'
    }

    It 'restarts with a new process when the check passes' {
        $before = Start-UpstartJob -Name checked -PassThru

        $after = Restart-UpstartJob -Name checked -PassThru -ErrorVariable err

        $err | Should -BeNullOrEmpty
        $after.State | Should -Be 'running'
        $after.MainPid | Should -Not -Be $before.MainPid
    }

    It 'shows the check in Get-UpstartJobConfiguration' {
        (Get-UpstartJobConfiguration checked).PreRestart | Should -BeLike '*line 12*'
    }
}
