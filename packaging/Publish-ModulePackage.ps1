<#
.SYNOPSIS
    Publishes the laid-out module (out/UpstartPS) to a file-system PowerShell resource repository.

.DESCRIPTION
    The repository is registered under a temporary name for the publish only, then unregistered, so the
    user's repository list is left as it was. A package of the same version already in the folder is
    replaced. Writes the path of the .nupkg.

.EXAMPLE
    ./packaging/Publish-ModulePackage.ps1 -ModulePath out/UpstartPS -RepositoryPath out/psrepo
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepositoryPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$manifest = Test-ModuleManifest -Path (Join-Path $ModulePath 'UpstartPS.psd1')
New-Item -ItemType Directory -Force -Path $RepositoryPath | Out-Null
$RepositoryPath = (Resolve-Path $RepositoryPath).Path
Get-ChildItem $RepositoryPath -Filter "$($manifest.Name).$($manifest.Version).nupkg" | Remove-Item -Force

$name = 'upstartps-publish-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
Register-PSResourceRepository -Name $name -Uri $RepositoryPath -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $name
}
finally {
    Unregister-PSResourceRepository -Name $name
}

$package = Get-ChildItem $RepositoryPath -Filter '*.nupkg' | Where-Object Name -like "$($manifest.Name).$($manifest.Version).nupkg"
if (-not $package) { throw "Publish-PSResource left no $($manifest.Name) $($manifest.Version) package in $RepositoryPath" }
$package.FullName
