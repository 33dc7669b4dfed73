<#
.SYNOPSIS
    Exports everything lyncpair reads best from a Lync Server 2010/2013 or Skype for Business Server
    2015/2019 deployment into one folder. Read-only: it changes nothing in the deployment.

.DESCRIPTION
    Run this script in the Lync Server / Skype for Business Server Management Shell (or a PowerShell
    session with the Lync/SkypeForBusiness module loaded) with an account that may run Get-Cs*
    cmdlets (RTCUniversalReadOnlyAdmins is enough). It writes into -OutputFolder:

      topology.xml      the published topology: (Get-CsTopology -AsXml).ToString(), UTF-8
      registrars.csv    Get-CsService -Registrar: backup registrar, failover timers, version
      backuprelationships.csv
                        Lync Server 2013 and later: Get-CsPoolBackupRelationship per Registrar
                        pool (the published backup pool of each pool)
      pools.csv         Get-CsPool: site, services and computers (lists joined with ';')
      sites.csv         Get-CsSite: central and branch sites
      users.csv         Get-CsUser: SipAddress and RegistrarPool, one row per user (users per pool,
                        including users homed on branch appliances)
      userpoolinfo.csv  only with -IncludeUserPoolInfo: Get-CsUserPoolInfo per user (primary and
                        backup pool); slow, as it asks once per user

    CSV files are written with Export-Csv -NoTypeInformation -Encoding UTF8. Collections are joined
    with ';' so that no cell holds a .NET type name such as System.Object[].

    Copy the folder to any machine and run:  lyncpair audit <folder>
    Add an inventory spreadsheet (users, physical/virtual, operating system, planned pools) to the
    same folder to have it merged into the audit.

    The script only calls Get-Cs* cmdlets. It creates the output folder if needed and overwrites
    files of the names above in it.

.PARAMETER OutputFolder
    Folder to write the export files into. Created if missing.

.PARAMETER IncludeUserPoolInfo
    Also run Get-CsUserPoolInfo for every enabled user. It gives the backup pool each user gets, but
    takes about a second per user on large deployments.

.EXAMPLE
    .\Export-LyncPairingData.ps1 -OutputFolder C:\Temp\lyncpair

    Writes topology.xml, registrars.csv, pools.csv, sites.csv and users.csv to C:\Temp\lyncpair.

.EXAMPLE
    .\Export-LyncPairingData.ps1 -OutputFolder \\fileserver\migration\lync -IncludeUserPoolInfo -Verbose

    Adds userpoolinfo.csv and reports progress.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $OutputFolder,

    [switch] $IncludeUserPoolInfo
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Column names lyncpair recognises (src/import/csv.rs); tests check these lists.
$RegistrarColumns = @('Identity', 'PoolFqdn', 'SiteId', 'ServiceId', 'Version', 'Role', 'BackupRegistrar',
    'EnableAutomaticFailover', 'FailureDetectionInterval', 'FailbackDetectionInterval', 'IsDirector')
$PoolColumns = @('Identity', 'Fqdn', 'Site', 'Services', 'Computers')
$SiteColumns = @('Identity', 'SiteId', 'DisplayName', 'SiteType', 'ParentSite', 'Pools')
$UserColumns = @('SipAddress', 'RegistrarPool')
$UserPoolInfoColumns = @('Identity', 'PrimaryPoolFqdn', 'BackupPoolFqdn')
# Get-CsPoolBackupRelationship documents its output type (BackupRelation) but no property names:
# BackupPoolFqdn is inferred, so AllProperties keeps every property as Name=Value for lyncpair to report.
$BackupRelationshipColumns = @('PoolFqdn', 'BackupPoolFqdn', 'AllProperties')

function ConvertTo-CellText {
    # One CSV cell: collections joined with ';', everything else as its string form
    # (TimeSpan 00:02:00, Boolean True/False, null empty).
    param($Value)
    if ($null -eq $Value) { return '' }
    if ($Value -is [string]) { return $Value }
    if ($Value -is [System.Collections.IEnumerable]) {
        return (@($Value) | ForEach-Object { [string]$_ }) -join ';'
    }
    return [string]$Value
}

function Select-Cells {
    # Like Select-Object, but a missing property gives an empty cell even under strict mode, and
    # collections never reach Export-Csv as objects.
    param(
        [Parameter(ValueFromPipeline = $true)] $InputObject,
        [Parameter(Mandatory = $true)] [string[]] $Property
    )
    process {
        $row = [ordered]@{}
        foreach ($name in $Property) {
            $p = $InputObject.PSObject.Properties[$name]
            if ($null -ne $p) { $row[$name] = ConvertTo-CellText $p.Value } else { $row[$name] = '' }
        }
        [pscustomobject]$row
    }
}

function Save-Csv {
    param(
        [Parameter(Mandatory = $true)] [string] $Name,
        [Parameter(Mandatory = $true)] [string[]] $Property,
        [AllowEmptyCollection()] [object[]] $Rows
    )
    $path = Join-Path $OutputFolder $Name
    $selected = @($Rows | Select-Cells -Property $Property)
    if ($selected.Count -eq 0) {
        # Export-Csv writes nothing for no rows; keep the header so the file is still recognised.
        $header = (($Property | ForEach-Object { '"' + $_ + '"' }) -join ',') + "`r`n"
        [System.IO.File]::WriteAllText($path, $header, (New-Object System.Text.UTF8Encoding $true))
    } else {
        $selected | Export-Csv -LiteralPath $path -NoTypeInformation -Encoding UTF8
    }
    Write-Verbose ("{0}: {1} row(s)" -f $path, $selected.Count)
}

[void][System.IO.Directory]::CreateDirectory($OutputFolder)
$OutputFolder = (Resolve-Path -LiteralPath $OutputFolder).ProviderPath

Write-Verbose 'Exporting the published topology'
$topologyPath = Join-Path $OutputFolder 'topology.xml'
$topology = (Get-CsTopology -AsXml).ToString()
[System.IO.File]::WriteAllText($topologyPath, $topology, (New-Object System.Text.UTF8Encoding $true))

Write-Verbose 'Exporting Registrar services (Get-CsService -Registrar)'
$registrars = @(Get-CsService -Registrar)
Save-Csv -Name 'registrars.csv' -Property $RegistrarColumns -Rows $registrars

# Lync Server 2010 has no Get-CsPoolBackupRelationship: then the file is not written.
if (Get-Command -Name Get-CsPoolBackupRelationship -ErrorAction SilentlyContinue) {
    Write-Verbose 'Exporting backup relationships (Get-CsPoolBackupRelationship)'
    $relations = foreach ($registrar in $registrars) {
        $pool = ($registrar | Select-Cells -Property 'PoolFqdn').PoolFqdn
        if (-not $pool) { continue }
        try {
            $answer = @(Get-CsPoolBackupRelationship -PoolFqdn $pool)
        } catch {
            # A Lync Server 2010 pool, a branch appliance or a pool without backup: nothing to record.
            Write-Verbose ('Get-CsPoolBackupRelationship -PoolFqdn {0}: {1}' -f $pool, $_.Exception.Message)
            continue
        }
        foreach ($item in $answer) {
            if ($null -eq $item) { continue }
            $backup = $item.PSObject.Properties['BackupPoolFqdn']
            $all = @($item.PSObject.Properties | ForEach-Object { '{0}={1}' -f $_.Name, (ConvertTo-CellText $_.Value) })
            [pscustomobject]@{
                PoolFqdn       = $pool
                BackupPoolFqdn = $(if ($null -ne $backup) { ConvertTo-CellText $backup.Value } else { '' })
                AllProperties  = $all -join '; '
            }
        }
    }
    Save-Csv -Name 'backuprelationships.csv' -Property $BackupRelationshipColumns -Rows @($relations)
}

Write-Verbose 'Exporting pools (Get-CsPool)'
Save-Csv -Name 'pools.csv' -Property $PoolColumns -Rows @(Get-CsPool)

Write-Verbose 'Exporting sites (Get-CsSite)'
Save-Csv -Name 'sites.csv' -Property $SiteColumns -Rows @(Get-CsSite)

Write-Verbose 'Exporting users per pool (Get-CsUser)'
$users = @(Get-CsUser -ResultSize Unlimited)
Save-Csv -Name 'users.csv' -Property $UserColumns -Rows $users

if ($IncludeUserPoolInfo) {
    Write-Verbose ('Asking Get-CsUserPoolInfo for {0} user(s)' -f $users.Count)
    $i = 0
    $info = foreach ($u in $users) {
        $i++
        Write-Progress -Activity 'Get-CsUserPoolInfo' -Status ([string]$u.SipAddress) -PercentComplete (100 * $i / [math]::Max(1, $users.Count))
        $pools = Get-CsUserPoolInfo -Identity ([string]$u.SipAddress) |
            Select-Cells -Property 'PrimaryPoolFqdn', 'BackupPoolFqdn'
        [pscustomobject]@{
            Identity        = [string]$u.SipAddress
            PrimaryPoolFqdn = $pools.PrimaryPoolFqdn
            BackupPoolFqdn  = $pools.BackupPoolFqdn
        }
    }
    Write-Progress -Activity 'Get-CsUserPoolInfo' -Completed
    Save-Csv -Name 'userpoolinfo.csv' -Property $UserPoolInfoColumns -Rows @($info)
}

Write-Host ("Done. Copy {0} to a machine with lyncpair and run: lyncpair audit `"{0}`"" -f $OutputFolder)
